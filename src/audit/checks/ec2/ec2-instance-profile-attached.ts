import { fail, pass } from '../lib/results.js';
import { perInstance } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Instances should reach AWS through an instance role, not keys stored on them (CIS 1.18). */
export const check: Check = {
  id: 'ec2_instance_profile_attached',
  title: 'EC2 instance is associated with an IAM instance profile role',
  severity: 'medium',
  service: 'ec2',
  resourceType: 'AwsEc2Instance',
  cis: ['1.18'],
  risk: 'Without an instance role, software on the instance needs long-lived access keys stored on disk.',
  remediation: 'Attach an instance profile whose role has the permissions the software needs, and remove stored keys.',
  cli: 'aws ec2 associate-iam-instance-profile --instance-id <instance-id> --iam-instance-profile Name=<profile>',
  url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html',
  uses: ['ec2'],
  run: (inv) => perInstance(inv, (i, r) => [i.instanceProfileArn
    ? pass(r, `EC2 Instance ${i.id} is associated with Instance Profile Role ${i.instanceProfileArn}.`)
    : fail(r, `EC2 Instance ${i.id} not associated with an Instance Profile Role.`)]),
};
