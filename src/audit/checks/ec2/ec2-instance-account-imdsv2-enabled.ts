import { accountResource, fail, judge, pass, perEc2Region } from '../lib/results.js';
import type { Check } from '../types.js';

/** The Region's default for new instances: IMDSv2 required (GetInstanceMetadataDefaults). */
export const check: Check = {
  id: 'ec2_instance_account_imdsv2_enabled',
  title: 'IMDSv2 is required by default for EC2 instances at the account level',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2Instance',
  cis: [],
  risk: 'Without the account default, every new instance launched without explicit options allows IMDSv1.',
  remediation: 'Set the Region\'s instance metadata default to require IMDSv2.',
  cli: 'aws ec2 modify-instance-metadata-defaults --http-tokens required --region <region>',
  url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html#set-imdsv2-account-defaults',
  uses: ['ec2'],
  run: (inv) => perEc2Region(inv, (region, ec2) => {
    const r = accountResource(inv, 'ec2', region);
    return judge(ec2.instanceMetadataDefaults, r, (d) => [d.httpTokens === 'required'
      ? pass(r, `IMDSv2 is enabled by default for EC2 instances in ${region}.`)
      : fail(r, `IMDSv2 is not enabled by default for EC2 instances in ${region}.`)]);
  }),
};
