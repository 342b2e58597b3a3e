import { accountResource, fail, judge, pass, perEc2Region } from '../lib/results.js';
import type { Check } from '../types.js';

/** EBS encryption by default, per Region: new volumes and snapshot copies encrypted whatever the caller asks. */
export const check: Check = {
  id: 'ec2_ebs_default_encryption',
  title: 'EBS default encryption is enabled',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2Volume',
  cis: ['2.2.1'],
  risk: 'Without the Region default, every volume created without asking for encryption stores its data in the clear.',
  remediation: 'Enable EBS encryption by default in every Region you use.',
  cli: 'aws ec2 enable-ebs-encryption-by-default --region <region>',
  url: 'https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html',
  uses: ['ec2'],
  run: (inv) => perEc2Region(inv, (region, ec2) => {
    const r = accountResource(inv, 'ec2', region);
    return judge(ec2.ebsEncryptionByDefault, r, (on) => [on
      ? pass(r, `EBS Default Encryption is activated in ${region}.`)
      : fail(r, `EBS Default Encryption is not activated in ${region}.`)]);
  }),
};
