import { fail, pass } from '../lib/results.js';
import { fromWorld, perSecurityGroup } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Security groups admitting 0.0.0.0/0 or ::/0 on any port at all. */
export const check: Check = {
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_any_port',
  title: 'Security group has no 0.0.0.0/0 or ::/0 ingress to any port',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2SecurityGroup',
  cis: [],
  risk: 'Whatever listens on the opened port is exposed to the whole internet; public services belong behind a load balancer.',
  remediation: 'Limit ingress sources to known ranges, or put public services behind a load balancer whose group alone is open.',
  cli: 'aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port <port> --cidr 0.0.0.0/0',
  url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  uses: ['ec2'],
  run: (inv) => perSecurityGroup(inv, (sg, r) => [sg.ingress.some(fromWorld)
    ? fail(r, `Security group ${sg.name} (${sg.id}) has at least one port open to the Internet.`)
    : pass(r, `Security group ${sg.name} (${sg.id}) does not have any port open to the Internet.`)]),
};
