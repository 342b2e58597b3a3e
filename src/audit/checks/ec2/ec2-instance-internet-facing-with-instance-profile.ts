import { fail, pass } from '../lib/results.js';
import { perInstance } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Internet-facing instances carrying a role: a compromise of the instance is a compromise of the role. */
export const check: Check = {
  id: 'ec2_instance_internet_facing_with_instance_profile',
  title: 'EC2 instance is not internet-facing with an instance profile attached',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2Instance',
  cis: [],
  risk: 'An attacker who takes over an internet-facing instance inherits its role\'s permissions.',
  remediation: 'Put the instance behind a load balancer in a private subnet, or keep its role minimal.',
  cli: 'aws ec2 disassociate-iam-instance-profile --association-id <association-id>   # or move the instance to a private subnet',
  url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html',
  uses: ['ec2'],
  run: (inv) => perInstance(inv, (i, r) => [i.publicIp && i.instanceProfileArn
    ? fail(r, `EC2 Instance ${i.id} is internet-facing with Instance Profile ${i.instanceProfileArn}.`)
    : pass(r, `EC2 Instance ${i.id} is not internet facing with an instance profile.`)]),
};
