/** EC2 helpers: security group rule exposure, public CIDRs, per-resource iteration. */
import type { Ec2Region, Instance, Inventory, IpPermission, NetworkAcl, SecurityGroup } from '../../inventory.js';
import type { Check, CheckResult, ResourceRef, Severity } from '../types.js';
import { accountResource, fail, judge, pass, perEc2List, perEc2Region } from './results.js';

export const WORLD_V4 = '0.0.0.0/0';
export const WORLD_V6 = '::/0';

export function sgResource(sg: SecurityGroup, region: string): ResourceRef {
  return { uid: sg.arn, name: `${sg.name} (${sg.id})`, region };
}

/** IANA protocol numbers some callers use instead of names. */
function protocolName(p: string): string {
  return p === '6' ? 'tcp' : p === '17' ? 'udp' : p.toLowerCase();
}

/** Whether the rule admits 0.0.0.0/0 or ::/0. */
export function fromWorld(perm: IpPermission): boolean {
  return perm.ipv4.includes(WORLD_V4) || perm.ipv6.includes(WORLD_V6);
}

/** Whether a rule opens every port: all protocols, or a 0-65535 range. */
export function opensAllPorts(perm: IpPermission): boolean {
  if (perm.protocol === '-1') return true;
  return perm.fromPort !== undefined && perm.toPort !== undefined && perm.fromPort <= 0 && perm.toPort >= 65535;
}

/** Whether an ingress rule admits the world on `protocol` to any of `ports` (all-ports rules included). */
export function exposes(perm: IpPermission, protocol: 'tcp' | 'udp', ports: number[]): boolean {
  if (!fromWorld(perm)) return false;
  if (opensAllPorts(perm)) return true;
  if (protocolName(perm.protocol) !== protocol || perm.fromPort === undefined || perm.toPort === undefined) return false;
  return ports.some((p) => p >= perm.fromPort! && p <= perm.toPort!);
}

/** The ports of `ports` a group's ingress rules open to the world over TCP. */
export function exposedPorts(sg: SecurityGroup, ports: number[]): number[] {
  return ports.filter((port) => sg.ingress.some((perm) => exposes(perm, 'tcp', [port])));
}

/** Runs `body` for every security group in every audited Region. */
export function perSecurityGroup(inv: Inventory, body: (sg: SecurityGroup, r: ResourceRef, region: string) => CheckResult[]): CheckResult[] {
  return perEc2List(inv, (ec2) => ec2.securityGroups, (sg, region) => body(sg, sgResource(sg, region), region));
}

const RESERVED_V4: Array<[number, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
].map(([ip, bits]) => [toInt(ip as string), bits as number]);

function toInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** A parsed IPv4 CIDR, or undefined if it is not one. */
export function parseV4(cidr: string): { base: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) return undefined;
  return { base: toInt(m.slice(1, 5).join('.')), bits: Number(m[5]) };
}

/** Whether an IPv4 range lies in public (globally routed) address space: outside RFC 1918 and the other reserved blocks. */
export function isPublicV4(cidr: string): boolean {
  const net = parseV4(cidr);
  if (!net) return false;
  const size = 2 ** (32 - net.bits);
  return !RESERVED_V4.some(([base, bits]) => {
    const reservedSize = 2 ** (32 - bits);
    return net.base < base + reservedSize && base < net.base + size;
  });
}

/** A check that a security group opens none of `ports` (TCP) to the world. */
export function sgPortsCheck(meta: { id: string; title: string; severity: Severity; cis: string[]; label: string; ports: number[] }): Check {
  const list = meta.ports.join(', ');
  return {
    id: meta.id,
    title: meta.title,
    severity: meta.severity,
    service: 'ec2',
    resourceType: 'AwsEc2SecurityGroup',
    cis: meta.cis,
    risk: `${meta.label} reachable from the whole internet (TCP ${list}) is scanned within minutes of exposure and attacked with stolen or default credentials and known vulnerabilities.`,
    remediation: `Remove the ingress rules admitting 0.0.0.0/0 or ::/0 to TCP ${list}; allow known address ranges, or reach the service through a VPN, bastion or Session Manager.`,
    cli: `aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port ${meta.ports[0]} --cidr 0.0.0.0/0`,
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
    uses: ['ec2'],
    run: (inv) => perSecurityGroup(inv, (sg, r) => {
      const open = exposedPorts(sg, meta.ports);
      return [open.length > 0
        ? fail(r, `Security group ${sg.name} (${sg.id}) has ${meta.label} port${open.length > 1 ? 's' : ''} ${open.join(', ')} open to the Internet.`)
        : pass(r, `Security group ${sg.name} (${sg.id}) does not have ${meta.label} port${meta.ports.length > 1 ? 's' : ''} ${list} open to the Internet.`)];
    }),
  };
}

/** Runs `body` for every (not terminated) instance in every audited Region. */
export function perInstance(inv: Inventory, body: (i: Instance, r: ResourceRef, ec2: Ec2Region) => CheckResult[]): CheckResult[] {
  return perEc2Region(inv, (region, ec2) => judge(ec2.instances, accountResource(inv, 'ec2', region),
    (instances) => instances.flatMap((i) => body(i, { uid: i.arn, name: i.id, region }, ec2))));
}

/** A check that an instance's security groups open none of `ports` (TCP) to the world. */
export function instancePortsCheck(meta: { id: string; title: string; label: string; ports: number[]; cis: string[] }): Check {
  const list = meta.ports.join(', ');
  return {
    id: meta.id,
    title: meta.title,
    // With a public IP the exposure is real (critical); without one it is only one address change away (medium).
    severity: 'critical',
    service: 'ec2',
    resourceType: 'AwsEc2Instance',
    cis: meta.cis,
    risk: `${meta.label} (TCP ${list}) on an instance reachable from the internet is brute-forced and exploited within hours.`,
    remediation: `Remove 0.0.0.0/0 and ::/0 ingress to TCP ${list} from the instance's security groups; reach it through a VPN, bastion or Session Manager.`,
    cli: `aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port ${meta.ports[0]} --cidr 0.0.0.0/0`,
    url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-rules-reference.html',
    uses: ['ec2'],
    run: (inv) => perInstance(inv, (i, r, ec2) => judge(ec2.securityGroups, r, (groups) => {
      const mine = groups.filter((g) => i.securityGroupIds.includes(g.id));
      if (!mine.some((g) => exposedPorts(g, meta.ports).length > 0)) return [pass(r, `Instance ${i.id} does not have ${meta.label} port ${list} open to the Internet.`)];
      return [i.publicIp
        ? fail(r, `Instance ${i.id} has ${meta.label} exposed to 0.0.0.0/0 on public IP address ${i.publicIp}.`)
        : fail(r, `Instance ${i.id} has ${meta.label} exposed to 0.0.0.0/0 but with no public IP address.`, 'medium')];
    })),
  };
}

/**
 * Whether a network ACL lets the internet in on `port` (TCP; undefined: all traffic): its inbound
 * entries for 0.0.0.0/0 or ::/0 are evaluated in rule-number order and the first one that matches
 * decides, as the VPC does.
 */
export function naclAdmitsWorld(nacl: NetworkAcl, port?: number): boolean {
  const entries = nacl.entries.filter((e) => !e.egress && (e.cidr === WORLD_V4 || e.ipv6Cidr === WORLD_V6)).sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of entries) {
    const allProtocols = e.protocol === '-1';
    const matches = port === undefined
      ? allProtocols
      : allProtocols || (protocolName(e.protocol) === 'tcp' && (e.fromPort === undefined || (port >= e.fromPort && port <= (e.toPort ?? e.fromPort))));
    if (matches) return e.action === 'allow';
  }
  return false;
}

/** A check that network ACLs do not let the internet in on `port` (undefined: all traffic). */
export function naclCheck(meta: { id: string; title: string; severity: Severity; label: string; port?: number }): Check {
  const what = meta.port === undefined ? 'any port' : `${meta.label} port ${meta.port}`;
  return {
    id: meta.id,
    title: meta.title,
    severity: meta.severity,
    service: 'ec2',
    resourceType: 'AwsEc2NetworkAcl',
    cis: ['5.1'],
    risk: 'A network ACL admitting the internet leaves security groups as the only barrier: one permissive group and the service is exposed.',
    remediation: `Add an inbound deny entry for 0.0.0.0/0 and ::/0 on ${what}, numbered before the allow entries.`,
    cli: meta.port === undefined
      ? 'aws ec2 replace-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 100 --protocol -1 --rule-action allow --cidr-block <trusted-cidr>'
      : `aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 10 --protocol tcp --port-range From=${meta.port},To=${meta.port} --rule-action deny --cidr-block 0.0.0.0/0`,
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
    uses: ['ec2'],
    run: (inv) => perEc2List(inv, (ec2) => ec2.networkAcls, (nacl, region) => {
      const r = { uid: nacl.arn, name: nacl.id, region };
      return [naclAdmitsWorld(nacl, meta.port)
        ? fail(r, `Network ACL ${nacl.id} has ${what} open to the Internet.`)
        : pass(r, `Network ACL ${nacl.id} does not have ${what} open to the Internet.`)];
    }),
  };
}
