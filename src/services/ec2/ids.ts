/**
 * EC2 resource ids. AWS issues "long" ids: a prefix and 17 lower-case hex digits
 * (`i-0123456789abcdef0`); older resources kept 8. Both forms are accepted on input.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AwsError } from '../../errors.js';

/** Resource kinds that have ids, with their prefix, error codes and DescribeTags resource type. */
export const ID_KINDS = {
  instance: { prefix: 'i', malformed: 'InvalidInstanceID.Malformed', resourceType: 'instance' },
  reservation: { prefix: 'r', malformed: 'InvalidReservationID.Malformed', resourceType: 'reservation' },
  group: { prefix: 'sg', malformed: 'InvalidGroupId.Malformed', resourceType: 'security-group' },
  rule: { prefix: 'sgr', malformed: 'InvalidSecurityGroupRuleId.Malformed', resourceType: 'security-group-rule' },
  volume: { prefix: 'vol', malformed: 'InvalidVolumeID.Malformed', resourceType: 'volume' },
  snapshot: { prefix: 'snap', malformed: 'InvalidSnapshotID.Malformed', resourceType: 'snapshot' },
  vpc: { prefix: 'vpc', malformed: 'InvalidVpcID.Malformed', resourceType: 'vpc' },
  subnet: { prefix: 'subnet', malformed: 'InvalidSubnetID.Malformed', resourceType: 'subnet' },
  image: { prefix: 'ami', malformed: 'InvalidAMIID.Malformed', resourceType: 'image' },
  eni: { prefix: 'eni', malformed: 'InvalidNetworkInterfaceID.Malformed', resourceType: 'network-interface' },
  dhcp: { prefix: 'dopt', malformed: 'InvalidDhcpOptionID.Malformed', resourceType: 'dhcp-options' },
  cidrAssociation: { prefix: 'vpc-cidr-assoc', malformed: 'InvalidVpcCidrBlockAssociationID.Malformed', resourceType: 'vpc' },
} as const;

export type IdKind = keyof typeof ID_KINDS;

/** A new long id: the prefix, then `0` and 16 random hex digits, as AWS's ids look. */
export function newId(kind: IdKind): string {
  return `${ID_KINDS[kind].prefix}-0${randomBytes(8).toString('hex')}`;
}

/**
 * An instance profile's unique id (`AIPA` + 17 upper-case letters and digits), derived from its ARN
 * so every instance launched with one profile shows the same id.
 */
export function instanceProfileId(arn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return `AIPA${[...createHash('sha256').update(arn).digest().subarray(0, 17)].map((b) => alphabet[b & 31]).join('')}`;
}

/** Whether `id` is a well-formed id of `kind` (prefix and 8 or 17 hex digits). */
export function isId(kind: IdKind, id: string): boolean {
  const prefix = ID_KINDS[kind].prefix;
  if (!id.startsWith(`${prefix}-`)) return false;
  return /^([0-9a-f]{8}|[0-9a-f]{17})$/.test(id.slice(prefix.length + 1));
}

/**
 * The error for an id that is not of its kind's form. AWS words it `Invalid id: "x"`, adding what
 * it expected when the prefix is wrong, except for instances (`Invalid id: "$i-06e1..."`).
 */
export function malformedId(kind: IdKind, id: string): AwsError {
  const { prefix, malformed } = ID_KINDS[kind];
  const expecting = kind !== 'instance' && !id.startsWith(`${prefix}-`) ? ` (expecting "${prefix}-...")` : '';
  return new AwsError(malformed, `Invalid id: "${id}"${expecting}`, { status: 400 });
}

/** Throws the Malformed error unless every id is of `kind`. */
export function checkIds(kind: IdKind, ids: readonly string[] | undefined): void {
  for (const id of ids ?? []) if (!isId(kind, id)) throw malformedId(kind, id);
}

/** The taggable kind an id belongs to, by its prefix; undefined if it is no taggable id. */
export function taggableKindOf(id: string): IdKind | undefined {
  const kinds: IdKind[] = ['instance', 'group', 'rule', 'volume', 'snapshot', 'vpc', 'subnet'];
  return kinds.find((k) => isId(k, id));
}
