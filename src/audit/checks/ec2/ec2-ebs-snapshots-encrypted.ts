import { fail, pass, perEc2List } from '../lib/results.js';
import type { Check } from '../types.js';

/** Unencrypted snapshots owned by the account. */
export const check: Check = {
  id: 'ec2_ebs_snapshots_encrypted',
  title: 'EBS snapshot is encrypted',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2Volume',
  cis: [],
  risk: 'An unencrypted snapshot is a full copy of a disk that anyone it is shared with can read.',
  remediation: 'Copy the snapshot with encryption, then delete the unencrypted one.',
  cli: 'aws ec2 copy-snapshot --source-snapshot-id <snapshot-id> --source-region <region> --encrypted --kms-key-id <key-id> && aws ec2 delete-snapshot --snapshot-id <snapshot-id>',
  url: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html',
  uses: ['ec2'],
  run: (inv) => perEc2List(inv, (ec2) => ec2.snapshots, (s, region) => {
    const r = { uid: s.arn, name: s.id, region };
    return [s.encrypted ? pass(r, `EBS Snapshot ${s.id} is encrypted.`) : fail(r, `EBS Snapshot ${s.id} is unencrypted.`)];
  }),
};
