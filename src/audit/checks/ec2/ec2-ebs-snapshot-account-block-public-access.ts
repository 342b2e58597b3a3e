import { accountResource, fail, judge, pass, perEc2Region } from '../lib/results.js';
import type { Check } from '../types.js';

/** Block public access for EBS snapshots, per Region (GetSnapshotBlockPublicAccessState). */
export const check: Check = {
  id: 'ec2_ebs_snapshot_account_block_public_access',
  title: 'All EBS snapshots have public access blocked',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2Volume',
  cis: [],
  risk: 'Without the Region-wide block, one ModifySnapshotAttribute call is enough to publish a disk.',
  remediation: 'Turn on block public access for snapshots (block-all-sharing) in every Region.',
  cli: 'aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region <region>',
  url: 'https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html',
  uses: ['ec2'],
  run: (inv) => perEc2Region(inv, (region, ec2) => {
    const r = accountResource(inv, 'ec2', region);
    return judge(ec2.snapshotBlockPublicAccess, r, (state) => [state === 'block-all-sharing'
      ? pass(r, `Public access is blocked for all EBS Snapshots in ${region}.`)
      : fail(r, state === 'block-new-sharing'
        ? `Public access is blocked only for new EBS snapshot sharing in ${region}.`
        : `Public access is not blocked for EBS Snapshots in ${region}.`)]);
  }),
};
