import { fail, pass } from '../lib/results.js';
import { isPublicV4, parseV4, perSecurityGroup } from '../lib/ec2.js';
import type { Check } from '../types.js';

/** Prefixes shorter than this on public address space are "wide open". */
const THRESHOLD = 24;

function wide(cidr: string): boolean {
  const net = parseV4(cidr);
  return net !== undefined && net.bits > 0 && net.bits < THRESHOLD && isPublicV4(cidr);
}

/** Rules with large public IPv4 ranges (/1 to /23): most of somebody else's network. */
export const check: Check = {
  id: 'ec2_securitygroup_allow_wide_open_public_ipv4',
  title: 'Security group has no ingress or egress rules with public IPv4 CIDR ranges from /1 to /23',
  severity: 'high',
  service: 'ec2',
  resourceType: 'AwsEc2SecurityGroup',
  cis: [],
  risk: 'A wide public range trusts thousands of addresses you do not control.',
  remediation: 'Narrow the range to the addresses that need access.',
  cli: 'aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol <protocol> --port <port> --cidr <wide-cidr>',
  url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  uses: ['ec2'],
  run: (inv) => perSecurityGroup(inv, (sg, r) => {
    const ingress = sg.ingress.flatMap((p) => p.ipv4).find(wide);
    const egress = sg.egress.flatMap((p) => p.ipv4).find(wide);
    if (ingress) return [fail(r, `Security group ${sg.name} (${sg.id}) has potential wide-open non-RFC1918 address ${ingress} in ingress rule.`)];
    if (egress) return [fail(r, `Security group ${sg.name} (${sg.id}) has potential wide-open non-RFC1918 address ${egress} in egress rule.`)];
    return [pass(r, `Security group ${sg.name} (${sg.id}) has no potential wide-open non-RFC1918 address.`)];
  }),
};
