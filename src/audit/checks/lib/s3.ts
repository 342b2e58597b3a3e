/**
 * S3 helpers. Whether a bucket is public is decided by the same rules S3 Block Public Access
 * applies (`isPublicPolicy`, the engine Coffer enforces with), after the bucket's and the
 * account's IgnorePublicAcls / RestrictPublicBuckets settings.
 */
import { isPublicPolicy } from '../../../authz/public-policy.js';
import type { Bucket, Grant, Inventory, PolicyDocument, PublicAccessBlock, S3Inventory } from '../../inventory.js';
import type { CheckResult, ResourceRef } from '../types.js';
import { accountResource, judge, withS3 } from './results.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

export function bucketResource(b: Bucket): ResourceRef {
  return { uid: b.arn, name: b.name, region: b.region };
}

/** Runs `body` for every bucket; a bucket list that could not be read gives one ERROR result. */
export function perBucket(inv: Inventory, body: (bucket: Bucket, r: ResourceRef, s3: S3Inventory) => CheckResult[]): CheckResult[] {
  return withS3(inv, (s3) => judge(s3.buckets, accountResource(inv, 's3'), (buckets) => buckets.flatMap((b) => body(b, bucketResource(b), s3))));
}

/** Grants to everyone or to any AWS account holder. */
export function publicGrants(grants: Grant[]): Grant[] {
  return grants.filter((g) => g.granteeType === 'Group' && (g.uri === ALL_USERS || g.uri === AUTHENTICATED_USERS));
}

/** Who a public grant is to, for messages. */
export function granteeLabel(g: Grant): string {
  return g.uri === ALL_USERS ? 'Everyone' : 'Authenticated Users';
}

/** The account-level setting, when it could be read and is configured. */
export function accountBlock(s3: S3Inventory): PublicAccessBlock | undefined {
  return s3.accountPublicAccessBlock.ok ? s3.accountPublicAccessBlock.value ?? undefined : undefined;
}

/** Public ACLs are ignored by the bucket's or the account's IgnorePublicAcls. */
export function aclsIgnored(b: Bucket, s3: S3Inventory): boolean {
  const own = b.publicAccessBlock.ok ? b.publicAccessBlock.value : null;
  return Boolean(own?.ignorePublicAcls || accountBlock(s3)?.ignorePublicAcls);
}

/** A public policy only reaches the bucket's own account and AWS services under RestrictPublicBuckets. */
export function policyRestricted(b: Bucket, s3: S3Inventory): boolean {
  const own = b.publicAccessBlock.ok ? b.publicAccessBlock.value : null;
  return Boolean(own?.restrictPublicBuckets || accountBlock(s3)?.restrictPublicBuckets);
}

/** Whether a policy document is public, as S3 judges it. */
export function policyIsPublic(doc: PolicyDocument | null): boolean {
  return doc !== null && isPublicPolicy(JSON.stringify(doc));
}

/** The statements of a policy one by one, each as a one-statement document. */
export function eachStatement(doc: PolicyDocument): PolicyDocument[] {
  const raw = doc.Statement;
  const items = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return items.map((s) => ({ Version: doc.Version, Statement: [s] }));
}

/** A note for FAIL messages when the account-level setting (which could override) is unknown. */
export function accountCaveat(s3: S3Inventory): string {
  return s3.accountPublicAccessBlock.ok ? '' : ' (the account-level Block Public Access could not be read)';
}
