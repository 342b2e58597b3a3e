/**
 * Security group rules: IpPermissions (and the legacy CidrIp/IpProtocol/FromPort/ToPort form) in,
 * one stored rule per source out, and back again: DescribeSecurityGroups regroups rules into
 * IpPermissions by (protocol, from port, to port); DescribeSecurityGroupRules lists them one by one.
 */
import type {
  AuthorizeSecurityGroupIngressRequest, IpPermission, RevokedSecurityGroupRule, SecurityGroupRule, Tag,
} from '../../../generated/ec2/shapes.js';
import { ec2Arn } from '../deps.js';
import { groupNotFound, invalidValue, missing } from '../errors.js';
import { newId } from '../ids.js';
import { isIpv6Cidr, parseIpv4Cidr } from '../net.js';
import type { Scope } from '../store.js';
import type { GroupRow, RuleRow } from '../store-network.js';

export type NewRule = Omit<RuleRow, 'position'>;

const PROTOCOL_NUMBERS: Record<string, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };

/** `tcp`, `TCP` and `6` are one protocol; `-1` is all of them. Anything else EC2 refuses. */
function normalizeProtocol(protocol: string): string {
  const lower = protocol.toLowerCase();
  if (['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(lower)) return lower;
  if (/^\d{1,3}$/.test(protocol) && Number(protocol) <= 255) return PROTOCOL_NUMBERS[Number(protocol)] ?? String(Number(protocol));
  throw invalidValue(`Invalid value '${protocol}' for IP protocol. Unknown protocol.`);
}

/** The stored ports of a rule: TCP/UDP port ranges, ICMP type and code, none for other protocols. */
function portsOf(protocol: string, from: number | undefined, to: number | undefined): [number | null, number | null] {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) throw invalidValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange");
    if (from < 0 || from > 65535) throw invalidValue(`TCP/UDP (from) port (${from}) out of range`);
    if (to < 0 || to > 65535) throw invalidValue(`TCP/UDP (to) port (${to}) out of range`);
    // EC2's wording for a reversed range was not found.
    if (from > to) throw invalidValue(`Invalid TCP/UDP port range: from port ${from} is greater than to port ${to}`);
    return [from, to];
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255) throw invalidValue(`ICMP type (${type}) out of range`);
    if (code < -1 || code > 255) throw invalidValue(`ICMP code (${code}) out of range`);
    return [type, code];
  }
  return [null, null];
}

/** The permissions a request names: IpPermissions, or the legacy single-rule parameters. */
export function permissionsOf(input: Pick<AuthorizeSecurityGroupIngressRequest,
  'IpPermissions' | 'IpProtocol' | 'FromPort' | 'ToPort' | 'CidrIp' | 'SourceSecurityGroupName' | 'SourceSecurityGroupOwnerId'>): IpPermission[] {
  if (input.IpPermissions?.length) return input.IpPermissions;
  if (input.CidrIp === undefined && input.SourceSecurityGroupName === undefined && input.IpProtocol === undefined) return [];
  if (input.IpProtocol === undefined && input.CidrIp !== undefined) throw missing('The request must contain the parameter ipProtocol');
  return [{
    IpProtocol: input.IpProtocol ?? '-1', FromPort: input.FromPort, ToPort: input.ToPort,
    IpRanges: input.CidrIp !== undefined ? [{ CidrIp: input.CidrIp }] : [],
    UserIdGroupPairs: input.SourceSecurityGroupName !== undefined
      ? [{ GroupName: input.SourceSecurityGroupName, UserId: input.SourceSecurityGroupOwnerId }] : [],
  }];
}

/** Looks up a group a rule references (by id, or by name in the target group's VPC). */
export type GroupLookup = (ref: { GroupId?: string; GroupName?: string; UserId?: string }) => Promise<GroupRow | undefined>;

/** One rule per source of each permission. */
export async function expandPermissions(scope: Scope, group: GroupRow, isEgress: boolean, permissions: readonly IpPermission[], now: string,
  lookup: GroupLookup): Promise<NewRule[]> {
  const rules: NewRule[] = [];
  for (const p of permissions) {
    const protocol = normalizeProtocol(p.IpProtocol ?? '-1');
    const [from, to] = portsOf(protocol, p.FromPort, p.ToPort);
    const base = {
      group_id: group.group_id, account_id: scope.accountId, region: scope.region, is_egress: isEgress ? 1 : 0, ip_protocol: protocol,
      from_port: from, to_port: to, cidr_ipv4: null, cidr_ipv6: null, prefix_list_id: null, referenced_group_id: null, referenced_user_id: null,
      created_at: now,
    };
    for (const r of p.IpRanges ?? []) {
      if (!parseIpv4Cidr(r.CidrIp ?? '')) throw invalidValue(`CIDR block ${r.CidrIp ?? ''} is malformed`);
      rules.push({ ...base, rule_id: newId('rule'), cidr_ipv4: r.CidrIp!, description: r.Description ?? null });
    }
    for (const r of p.Ipv6Ranges ?? []) {
      if (!isIpv6Cidr(r.CidrIpv6 ?? '')) throw invalidValue(`CIDR block ${r.CidrIpv6 ?? ''} is malformed`);
      rules.push({ ...base, rule_id: newId('rule'), cidr_ipv6: r.CidrIpv6!, description: r.Description ?? null });
    }
    for (const r of p.PrefixListIds ?? []) {
      rules.push({ ...base, rule_id: newId('rule'), prefix_list_id: r.PrefixListId ?? '', description: r.Description ?? null });
    }
    for (const pair of p.UserIdGroupPairs ?? []) {
      // Groups of the caller's own account must exist; another account's are taken as named.
      const userId = pair.UserId ?? scope.accountId;
      const groupId = userId === scope.accountId ? (await lookup(pair))?.group_id : pair.GroupId;
      if (groupId === undefined) throw groupNotFound(pair.GroupId ?? pair.GroupName ?? '');
      rules.push({ ...base, rule_id: newId('rule'), referenced_group_id: groupId, referenced_user_id: userId, description: pair.Description ?? null });
    }
  }
  return rules;
}

/** Two rules allow the same traffic (descriptions aside). */
export function sameRule(a: NewRule, b: NewRule): boolean {
  return a.is_egress === b.is_egress && a.ip_protocol === b.ip_protocol && a.from_port === b.from_port && a.to_port === b.to_port
    && a.cidr_ipv4 === b.cidr_ipv4 && a.cidr_ipv6 === b.cidr_ipv6 && a.prefix_list_id === b.prefix_list_id
    && a.referenced_group_id === b.referenced_group_id;
}

/** `the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists`. */
export function duplicateMessage(r: NewRule): string {
  const peer = r.cidr_ipv4 ?? r.cidr_ipv6 ?? r.prefix_list_id ?? r.referenced_group_id;
  let traffic: string;
  if (r.ip_protocol === '-1') traffic = 'ALL';
  else if (r.ip_protocol === 'tcp' || r.ip_protocol === 'udp') traffic = `${r.ip_protocol.toUpperCase()}, from port: ${r.from_port}, to port: ${r.to_port}`;
  else if (r.ip_protocol.startsWith('icmp')) traffic = `${r.ip_protocol.toUpperCase()}, type: ${r.from_port}, code: ${r.to_port}`;
  else traffic = r.ip_protocol;
  return `the specified rule "peer: ${peer}, ${traffic}, ALLOW" already exists`;
}

/** Rules regrouped as EC2 lists them: one IpPermission per (protocol, from port, to port). */
export function ipPermissions(rules: readonly NewRule[]): IpPermission[] {
  const byRange = new Map<string, IpPermission>();
  for (const r of rules) {
    const key = `${r.ip_protocol}|${r.from_port}|${r.to_port}`;
    let p = byRange.get(key);
    if (!p) {
      p = { IpProtocol: r.ip_protocol, FromPort: r.from_port ?? undefined, ToPort: r.to_port ?? undefined, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
      byRange.set(key, p);
    }
    const description = r.description ?? undefined;
    if (r.cidr_ipv4 !== null) p.IpRanges!.push({ CidrIp: r.cidr_ipv4, Description: description });
    if (r.cidr_ipv6 !== null) p.Ipv6Ranges!.push({ CidrIpv6: r.cidr_ipv6, Description: description });
    if (r.prefix_list_id !== null) p.PrefixListIds!.push({ PrefixListId: r.prefix_list_id, Description: description });
    if (r.referenced_group_id !== null) p.UserIdGroupPairs!.push({ GroupId: r.referenced_group_id, UserId: r.referenced_user_id ?? undefined, Description: description });
  }
  return [...byRange.values()];
}

export function ruleView(scope: Scope, r: NewRule, tags: Tag[] | undefined): SecurityGroupRule {
  return {
    SecurityGroupRuleId: r.rule_id, GroupId: r.group_id, GroupOwnerId: r.account_id, IsEgress: r.is_egress === 1, IpProtocol: r.ip_protocol,
    FromPort: r.from_port ?? -1, ToPort: r.to_port ?? -1, CidrIpv4: r.cidr_ipv4 ?? undefined, CidrIpv6: r.cidr_ipv6 ?? undefined,
    PrefixListId: r.prefix_list_id ?? undefined, Description: r.description ?? undefined, Tags: tags ?? [],
    ReferencedGroupInfo: r.referenced_group_id !== null ? { GroupId: r.referenced_group_id, UserId: r.referenced_user_id ?? undefined } : undefined,
    SecurityGroupRuleArn: ec2Arn(scope, `security-group-rule/${r.rule_id}`),
  };
}

export function revokedView(r: NewRule): RevokedSecurityGroupRule {
  return {
    SecurityGroupRuleId: r.rule_id, GroupId: r.group_id, IsEgress: r.is_egress === 1, IpProtocol: r.ip_protocol, FromPort: r.from_port ?? -1,
    ToPort: r.to_port ?? -1, CidrIpv4: r.cidr_ipv4 ?? undefined, CidrIpv6: r.cidr_ipv6 ?? undefined, PrefixListId: r.prefix_list_id ?? undefined,
    ReferencedGroupId: r.referenced_group_id ?? undefined, Description: r.description ?? undefined,
  };
}
