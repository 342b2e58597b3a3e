import { fail, judge, pass } from '../lib/results.js';
import { perInstance } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Secrets in instance user data, readable by anyone with ec2:DescribeInstanceAttribute and by every process on the instance. */
export const check: Check = {
  id: 'ec2_instance_secrets_user_data',
  title: 'EC2 instance user data contains no secrets',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2Instance',
  cis: [],
  risk: 'User data is not secret: IAM principals with describe permissions and any process on the instance (through IMDS) can read it.',
  remediation: 'Move secrets to Secrets Manager or Parameter Store and fetch them at boot with the instance role; then rotate the exposed secrets.',
  cli: 'aws ec2 stop-instances --instance-ids <instance-id> && aws ec2 modify-instance-attribute --instance-id <instance-id> --attribute userData --value file://user-data-without-secrets.sh',
  url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html',
  uses: ['ec2'],
  run: (inv) => perInstance(inv, (i, r) => judge(i.userData, r, (scan) => {
    if (scan === null) return [pass(r, `No secrets found in EC2 instance ${i.id} since User Data is empty.`)];
    const hits = scan.secrets;
    return [hits.length > 0
      ? fail(r, `Potential secret found in EC2 instance ${i.id} User Data -> ${hits.map((h) => `${h.kind} on line ${h.line}`).join(', ')}.`)
      : pass(r, `No secrets found in EC2 instance ${i.id} User Data.`)];
  })),
};
