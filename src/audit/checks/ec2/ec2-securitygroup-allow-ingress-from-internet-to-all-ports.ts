import { fail, pass } from '../lib/results.js';
import { fromWorld, opensAllPorts, perSecurityGroup } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Security groups admitting the world on every port (all protocols, or 0-65535). */
export const check: Check = {
  id: 'ec2_securitygroup_allow_ingress_from_internet_to_all_ports',
  title: 'Security group does not have all ports open to the Internet',
  severity: 'critical',
  service: 'ec2',
  resourceType: 'AwsEc2SecurityGroup',
  cis: ['5.2', '5.3'],
  risk: 'Every service on the attached instances, including administration ports, is reachable from the whole internet.',
  remediation: 'Replace the all-ports rule with rules for the ports the workload serves, from the sources that need them.',
  cli: 'aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]',
  url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  uses: ['ec2'],
  run: (inv) => perSecurityGroup(inv, (sg, r) => [sg.ingress.some((p) => fromWorld(p) && opensAllPorts(p))
    ? fail(r, `Security group ${sg.name} (${sg.id}) has all ports open to the Internet.`)
    : pass(r, `Security group ${sg.name} (${sg.id}) does not have all ports open to the Internet.`)]),
};
