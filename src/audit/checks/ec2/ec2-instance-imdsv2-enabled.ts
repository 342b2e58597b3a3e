import { fail, pass } from '../lib/results.js';
import { perInstance } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Instances must require IMDSv2 session tokens (or have the metadata service off) (CIS 5.6). */
export const check: Check = {
  id: 'ec2_instance_imdsv2_enabled',
  title: 'EC2 instance requires IMDSv2 or has the instance metadata service disabled',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2Instance',
  cis: ['5.6'],
  risk: 'IMDSv1 answers any request from the instance, so one SSRF bug in an application hands out the instance role\'s credentials.',
  remediation: 'Require session tokens (IMDSv2) on the instance.',
  cli: 'aws ec2 modify-instance-metadata-options --instance-id <instance-id> --http-tokens required --http-endpoint enabled',
  url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html',
  uses: ['ec2'],
  run: (inv) => perInstance(inv, (i, r) => {
    if (i.httpEndpoint === 'disabled') return [pass(r, `EC2 Instance ${i.id} has metadata service disabled.`)];
    return [i.httpTokens === 'required'
      ? pass(r, `EC2 Instance ${i.id} has IMDSv2 enabled and required.`)
      : fail(r, `EC2 Instance ${i.id} has IMDSv2 disabled or not required.`)];
  }),
};
