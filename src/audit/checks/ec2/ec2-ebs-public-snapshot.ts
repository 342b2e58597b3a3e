import { fail, judge, pass, perEc2List } from '../lib/results.js';
import type { Check } from '../types.js';

/** Snapshots anyone can create a volume from (createVolumePermission group `all`). */
export const check: Check = {
  id: 'ec2_ebs_public_snapshot',
  title: 'EBS snapshot is not public',
  severity: 'critical',
  service: 'ec2',
  resourceType: 'AwsEc2Volume',
  cis: [],
  risk: 'Any AWS customer can create a volume from a public snapshot and read the whole disk.',
  remediation: 'Remove the public create-volume permission from the snapshot.',
  cli: 'aws ec2 modify-snapshot-attribute --snapshot-id <snapshot-id> --attribute createVolumePermission --operation-type remove --group-names all',
  url: 'https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html',
  uses: ['ec2'],
  run: (inv) => perEc2List(inv, (ec2) => ec2.snapshots, (s, region) => {
    const r = { uid: s.arn, name: s.id, region };
    return judge(s.public, r, (isPublic) => [isPublic
      ? fail(r, `EBS Snapshot ${s.id} is currently Public.`)
      : pass(r, `EBS Snapshot ${s.id} is not Public.`)]);
  }),
};
