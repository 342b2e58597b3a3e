/**
 * Access control lists: canned ACLs, `x-amz-grant-*` headers and `<AccessControlPolicy>` bodies
 * into stored grants, and back to the wire. Stored, returned and checked against the bucket's
 * ObjectOwnership here; what the grants allow is the authorizer's business.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 */
import { AwsError } from '../../errors.js';
import type { AccessControlPolicy, Grant, Permission } from '../../generated/s3/shapes.js';
import { aclNotSupported, invalidArgument, invalidRequest } from './errors.js';

export type Grantee = { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };
export interface AclGrant { grantee: Grantee; permission: Permission }
/** The grants of a bucket or object ACL (its owner is the bucket's or object's owner). */
export type Acl = AclGrant[];

export const GROUPS = {
  AllUsers: 'http://acs.amazonaws.com/groups/global/AllUsers',
  AuthenticatedUsers: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
  LogDelivery: 'http://acs.amazonaws.com/groups/s3/LogDelivery',
} as const;
const GROUP_URIS = new Set<string>(Object.values(GROUPS));
/** The canonical user S3 names in `aws-exec-read` (Amazon EC2, which reads AMI bundles). */
const EC2_CANONICAL_ID = '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c';
const PERMISSIONS: Permission[] = ['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP'];

const user = (id: string, permission: Permission): AclGrant => ({ grantee: { type: 'CanonicalUser', id }, permission });
const group = (uri: string, permission: Permission): AclGrant => ({ grantee: { type: 'Group', uri }, permission });

/** The owner alone, with FULL_CONTROL: every new bucket's and object's ACL unless told otherwise. */
export function privateAcl(ownerId: string): Acl {
  return [user(ownerId, 'FULL_CONTROL')];
}

/** A canned ACL's grants (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl). */
export function cannedAcl(name: string, ownerId: string, bucketOwnerId: string): Acl {
  const owner = user(ownerId, 'FULL_CONTROL');
  switch (name) {
    case 'private': return [owner];
    case 'public-read': return [owner, group(GROUPS.AllUsers, 'READ')];
    case 'public-read-write': return [owner, group(GROUPS.AllUsers, 'READ'), group(GROUPS.AllUsers, 'WRITE')];
    case 'authenticated-read': return [owner, group(GROUPS.AuthenticatedUsers, 'READ')];
    case 'aws-exec-read': return [owner, user(EC2_CANONICAL_ID, 'READ')];
    case 'log-delivery-write': return [owner, group(GROUPS.LogDelivery, 'WRITE'), group(GROUPS.LogDelivery, 'READ_ACP')];
    case 'bucket-owner-read': return bucketOwnerId === ownerId ? [owner] : [owner, user(bucketOwnerId, 'READ')];
    case 'bucket-owner-full-control': return bucketOwnerId === ownerId ? [owner] : [owner, user(bucketOwnerId, 'FULL_CONTROL')];
    default: throw invalidArgument('', 'x-amz-acl', name);
  }
}

/** The ACL-setting members a request may carry (CreateBucket, PutObject, Put*Acl, CopyObject ...). */
export interface AclRequest {
  ACL?: string;
  GrantFullControl?: string;
  GrantRead?: string;
  GrantReadACP?: string;
  GrantWrite?: string;
  GrantWriteACP?: string;
  AccessControlPolicy?: AccessControlPolicy;
}

const GRANT_HEADERS: Array<[keyof AclRequest, string, Permission]> = [
  ['GrantFullControl', 'x-amz-grant-full-control', 'FULL_CONTROL'],
  ['GrantRead', 'x-amz-grant-read', 'READ'],
  ['GrantReadACP', 'x-amz-grant-read-acp', 'READ_ACP'],
  ['GrantWrite', 'x-amz-grant-write', 'WRITE'],
  ['GrantWriteACP', 'x-amz-grant-write-acp', 'WRITE_ACP'],
];

/** Resolves whether a canonical user id belongs to an account Coffer knows. */
export type KnownUser = (canonicalId: string) => Promise<boolean>;

/** `id="abc", uri="http://..."` -> grantees; S3's errors for what it cannot read. */
async function parseGrantHeader(header: string, value: string, permission: Permission, known: KnownUser): Promise<Acl> {
  const grants: Acl = [];
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(id|uri|emailAddress)\s*=\s*"?([^"]*)"?$/.exec(item);
    if (!m) throw invalidArgument('Argument format not recognized', header, item);
    const [, type, text] = m as unknown as [string, string, string];
    if (type === 'uri') {
      if (!GROUP_URIS.has(text)) throw invalidArgument('Invalid group uri', 'uri', text);
      grants.push(group(text, permission));
    } else if (type === 'id') {
      if (!(await known(text))) throw invalidArgument('Invalid id', 'id', text);
      grants.push(user(text, permission));
    } else {
      throw unresolvableEmail(text);
    }
  }
  return grants;
}

/** Email grantees are no longer supported by S3 (since October 2025), and Coffer has no emails. */
function unresolvableEmail(email: string): AwsError {
  return new AwsError('UnresolvableGrantByEmailAddress', 'The e-mail address you provided does not match any account on record.', {
    status: 400, fields: { EmailAddress: email },
  });
}

function malformedAcl(): AwsError {
  return new AwsError('MalformedACLError', 'The XML you provided was not well-formed or did not validate against our published schema', { status: 400 });
}

/** The grants of an `<AccessControlPolicy>` body, checked as S3 checks them. */
async function fromPolicy(policy: AccessControlPolicy, known: KnownUser): Promise<Acl> {
  if (!policy.Owner?.ID || !policy.Grants) throw malformedAcl();
  const grants: Acl = [];
  for (const grant of policy.Grants) {
    const grantee = grant.Grantee;
    if (!grantee || !grant.Permission || !PERMISSIONS.includes(grant.Permission)) throw malformedAcl();
    if (grantee.Type === 'Group') {
      if (!grantee.URI) throw malformedAcl();
      if (!GROUP_URIS.has(grantee.URI)) throw invalidArgument('Invalid group uri', 'Group/URI', grantee.URI);
      grants.push(group(grantee.URI, grant.Permission));
    } else if (grantee.Type === 'CanonicalUser') {
      if (!grantee.ID) throw malformedAcl();
      if (!(await known(grantee.ID))) throw invalidArgument('Invalid id', 'CanonicalUser/ID', grantee.ID);
      grants.push(user(grantee.ID, grant.Permission));
    } else if (grantee.Type === 'AmazonCustomerByEmail') {
      throw unresolvableEmail(grantee.EmailAddress ?? '');
    } else {
      throw malformedAcl();
    }
  }
  return grants;
}

/**
 * The ACL a request sets, or undefined when it sets none. A canned ACL and grant headers together
 * are refused, and so is a body together with either (as S3 does).
 */
export async function aclFromRequest(req: AclRequest, ownerId: string, bucketOwnerId: string, known: KnownUser): Promise<Acl | undefined> {
  const grantHeaders = GRANT_HEADERS.filter(([member]) => req[member] !== undefined);
  if (req.AccessControlPolicy && (req.ACL !== undefined || grantHeaders.length > 0)) {
    throw new AwsError('UnexpectedContent', 'This request does not support content', { status: 400 });
  }
  if (req.AccessControlPolicy) return fromPolicy(req.AccessControlPolicy, known);
  if (req.ACL !== undefined && grantHeaders.length > 0) throw invalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  if (req.ACL !== undefined) return cannedAcl(req.ACL, ownerId, bucketOwnerId);
  if (grantHeaders.length === 0) return undefined;
  const grants: Acl = [];
  for (const [member, header, permission] of grantHeaders) grants.push(...(await parseGrantHeader(header, req[member] as string, permission, known)));
  return grants;
}

/** Whether an ACL gives nothing beyond FULL_CONTROL to `ownerId` (what ACL-less buckets accept). */
export function grantsOnlyOwner(acl: Acl, ownerId: string): boolean {
  return acl.every((g) => g.grantee.type === 'CanonicalUser' && g.grantee.id === ownerId && g.permission === 'FULL_CONTROL');
}

/**
 * Under BucketOwnerEnforced, ACLs are disabled: a request may only set an ACL that grants nothing
 * beyond the bucket owner's full control (`private`, `bucket-owner-full-control` or the same in XML).
 */
export function checkAclAllowed(acl: Acl | undefined, ownership: string | null, bucketOwnerId: string): void {
  if (acl && ownership === 'BucketOwnerEnforced' && !grantsOnlyOwner(acl, bucketOwnerId)) throw aclNotSupported();
}

/** Stored grants as the wire's `Grants` list. */
export function toWireGrants(acl: Acl): Grant[] {
  return acl.map((g) => ({
    Grantee: g.grantee.type === 'Group' ? { Type: 'Group', URI: g.grantee.uri } : { Type: 'CanonicalUser', ID: g.grantee.id },
    Permission: g.permission,
  }));
}
