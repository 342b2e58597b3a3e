import { fail, pass, perEc2List } from '../lib/results.js';
import type { Check } from '../types.js';

/** Unencrypted EBS volumes (CIS 2.2.1). */
export const check: Check = {
  id: 'ec2_ebs_volume_encryption',
  title: 'EBS volume is encrypted',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2Volume',
  cis: ['2.2.1'],
  risk: 'An unencrypted volume, and every snapshot of it, holds its data in the clear for whoever gets a copy.',
  remediation: 'Snapshot the volume, copy the snapshot with encryption, create a volume from the copy and swap it in; enable encryption by default.',
  cli: 'aws ec2 create-snapshot --volume-id <volume-id> && aws ec2 copy-snapshot --source-snapshot-id <snapshot-id> --source-region <region> --encrypted --kms-key-id <key-id>',
  url: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html',
  uses: ['ec2'],
  run: (inv) => perEc2List(inv, (ec2) => ec2.volumes, (v, region) => {
    const r = { uid: v.arn, name: v.id, region };
    return [v.encrypted ? pass(r, `EBS Volume ${v.id} is encrypted.`) : fail(r, `EBS Volume ${v.id} is unencrypted.`)];
  }),
};
