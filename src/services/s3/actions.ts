/**
 * S3 operation -> IAM action, resource ARNs and S3 condition keys, as the Service Authorization
 * Reference lists them: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 * (several operations share an action: HeadObject is s3:GetObject, DeleteBucketTagging is
 * s3:PutBucketTagging ...). A request naming a version id needs the *Version* action instead.
 * The bucket policy is every action's resource policy (kind 'standard'); bucket and object ACLs
 * allow what their grants allow (acl-access.ts), subject to Block Public Access.
 */
import { isPublicPolicy, restrictPublicPolicy } from '../../authz/public-policy.js';
import type { ActionSpec, ResourcePolicy } from '../../authz/types.js';
import type { RequestContext } from '../../server/context.js';
import { aclGrantees, isObjectAclAction, objectContext, type AclStores } from './acl-access.js';
import type { Bucket } from './bucket-store.js';
import { parseCopySource } from './copy-source.js';
import { blockSettings } from './public-access.js';

/** `arn:aws:s3:::bucket`: S3 ARNs carry neither region nor account. */
export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

type BucketInput = { Bucket: string };
type DeleteInput = { Bucket: string; Delete: { Objects: Array<{ Key: string; VersionId?: string }> } };

/** The spec of an object operation that has a *Version* variant for requests naming a version id. */
function byVersion(spec: ActionSpec<ObjectInput>, versioned: string): ActionSpec<ObjectInput> {
  return { ...spec, actionFor: (_ctx, input) => (input.VersionId === undefined ? spec.action : versioned) };
}
type ObjectInput = { Bucket: string; Key: string; VersionId?: string };

/** `spec` bound to one object whatever the request's own input: a copy's source, one key of a DeleteObjects. */
function forObject(spec: ActionSpec<ObjectInput>, target: ObjectInput): ActionSpec {
  return {
    action: spec.action,
    actionFor: (ctx) => spec.actionFor?.(ctx, target) ?? spec.action,
    resources: (ctx) => spec.resources(ctx, target),
    conditions: spec.conditions && ((ctx) => spec.conditions!(ctx, target)),
    resourcePolicy: spec.resourcePolicy && ((ctx) => spec.resourcePolicy!(ctx, target)),
    acl: spec.acl && ((ctx, _input, action) => spec.acl!(ctx, target, action)),
  };
}
type Conditions = Record<string, string | string[]>;

/** Condition keys from request members that are present. */
function present(pairs: Array<[string, unknown]>): Conditions {
  const out: Conditions = {};
  for (const [k, v] of pairs) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

/** `s3:x-amz-acl` and the `s3:x-amz-grant-*` keys of an ACL-setting request. */
function aclConditions(input: Record<string, unknown>): Conditions {
  return present([
    ['s3:x-amz-acl', input.ACL],
    ['s3:x-amz-grant-full-control', input.GrantFullControl],
    ['s3:x-amz-grant-read', input.GrantRead],
    ['s3:x-amz-grant-read-acp', input.GrantReadACP],
    ['s3:x-amz-grant-write', input.GrantWrite],
    ['s3:x-amz-grant-write-acp', input.GrantWriteACP],
  ]);
}

/** `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys` of an `x-amz-tagging` header. */
function requestTagConditions(tagging: unknown): Conditions {
  if (typeof tagging !== 'string') return {};
  const out: Conditions = {};
  const keys: string[] = [];
  for (const [k, v] of new URLSearchParams(tagging)) {
    out[`s3:RequestObjectTag/${k}`] = v;
    keys.push(k);
  }
  if (keys.length > 0) out['s3:RequestObjectTagKeys'] = keys;
  return out;
}

/** `s3:x-amz-server-side-encryption-aws-kms-key-id` and the SSE-C algorithm key of a write. */
function sseConditions(input: Record<string, unknown>): Conditions {
  return present([
    ['s3:x-amz-server-side-encryption-aws-kms-key-id', input.SSEKMSKeyId],
    ['s3:x-amz-server-side-encryption-customer-algorithm', input.SSECustomerAlgorithm],
  ]);
}

/**
 * The S3 operations' specs. `stores` serve the bucket policy, the Block Public Access settings and
 * the ACLs the authorizer consults.
 */
export function s3Actions(stores: AclStores): Record<string, ActionSpec> {
  const { buckets } = stores;
  const policyOf = async (ctx: RequestContext, bucket: Bucket): Promise<ResourcePolicy> => {
    // Always name the owner, even with no policy: S3 ARNs carry no account, and without it a
    // caller from another account would be judged as if the bucket were theirs. '' = no policy.
    let document = (await buckets.getConfig<string>(bucket.name, 'policy')) ?? '';
    // RestrictPublicBuckets: a public policy grants nothing to callers outside the owner's account
    // (AWS services excepted); its Deny statements still apply to them.
    const outsider = ctx.principal?.type !== 'AWSService' && ctx.accountId !== bucket.accountId;
    if (outsider && document !== '' && isPublicPolicy(document) && (await blockSettings(buckets, bucket.name)).RestrictPublicBuckets) {
      document = restrictPublicPolicy(document);
    }
    return { document, accountId: bucket.accountId, kind: 'standard' };
  };
  const resourcePolicy = async (ctx: RequestContext, input: BucketInput): Promise<ResourcePolicy | undefined> => {
    const bucket = await buckets.get(input.Bucket);
    return bucket ? policyOf(ctx, bucket) : undefined;
  };
  /** Reads and ACL operations on an existing object are judged in its owner's context (acl-access.ts). */
  const objectPolicy = async (ctx: RequestContext, input: ObjectInput): Promise<ResourcePolicy | undefined> => {
    const bucket = await buckets.get(input.Bucket);
    if (!bucket) return undefined;
    return objectContext(stores, bucket, { bucket: input.Bucket, key: input.Key, versionId: input.VersionId }, await policyOf(ctx, bucket));
  };
  const onBucket = (action: string, conditions?: (input: any) => Conditions): ActionSpec<BucketInput> => ({
    action,
    resources: (_ctx, input) => [bucketArn(input.Bucket)],
    conditions: conditions ? (_ctx, input) => conditions(input) : undefined,
    resourcePolicy,
    acl: (ctx, input, act) => aclGrantees(stores, ctx, { bucket: input.Bucket }, act),
  });
  const onObject = (action: string, conditions?: (input: any) => Conditions): ActionSpec<ObjectInput> => ({
    action,
    resources: (_ctx, input) => [objectArn(input.Bucket, input.Key)],
    conditions: (_ctx, input) => ({ ...present([['s3:VersionId', input.VersionId]]), ...(conditions ? conditions(input) : {}) }),
    resourcePolicy: isObjectAclAction(action) ? objectPolicy : resourcePolicy,
    acl: (ctx, input, act) => aclGrantees(stores, ctx, { bucket: input.Bucket, key: input.Key, versionId: input.VersionId }, act),
  });
  const deleteObject = byVersion(onObject('s3:DeleteObject'), 's3:DeleteObjectVersion');
  /**
   * DeleteObjects: each key is authorized as DeleteObject would authorize it (s3:DeleteObject, or
   * s3:DeleteObjectVersion for a key named with a version id); a refused key gets its own
   * AccessDenied in the result while the others are deleted, as in AWS.
   */
  const deleteObjects = (): ActionSpec<DeleteInput> => ({
    action: 's3:DeleteObject',
    resources: (_ctx, input) => input.Delete.Objects.map((o) => objectArn(input.Bucket, o.Key)),
    items: (_ctx, input) => input.Delete.Objects.map((o) => forObject(deleteObject, { Bucket: input.Bucket, Key: o.Key, VersionId: o.VersionId })),
  });
  /** Reading a copy's source: s3:GetObject (or GetObjectVersion) on it, under its bucket's policy and its ACL. */
  const readsCopySource = async (_ctx: RequestContext, input: { CopySource: string }): Promise<ActionSpec[]> => {
    const source = parseCopySource(input.CopySource);
    return [forObject(byVersion(onObject('s3:GetObject'), 's3:GetObjectVersion'), { Bucket: source.bucket, Key: source.key, VersionId: source.versionId })];
  };
  const listConditions = (input: any): Conditions => present([
    ['s3:prefix', input.Prefix], ['s3:delimiter', input.Delimiter], ['s3:max-keys', input.MaxKeys],
  ]);
  return {
    ListBuckets: { action: 's3:ListAllMyBuckets', resources: () => ['*'] },
    CreateBucket: {
      ...onBucket('s3:CreateBucket', (input) => ({
        ...aclConditions(input),
        ...present([['s3:LocationConstraint', input.CreateBucketConfiguration?.LocationConstraint], ['s3:x-amz-object-ownership', input.ObjectOwnership]]),
      })),
      // A bucket being created is the caller's own: an existing bucket of that name (another
      // account's) and its policy don't decide; the name clash answers BucketAlreadyExists.
      resourcePolicy: undefined,
    },
    HeadBucket: onBucket('s3:ListBucket'),
    DeleteBucket: onBucket('s3:DeleteBucket'),
    GetBucketLocation: onBucket('s3:GetBucketLocation'),
    GetBucketVersioning: onBucket('s3:GetBucketVersioning'),
    PutBucketVersioning: onBucket('s3:PutBucketVersioning'),
    GetBucketTagging: onBucket('s3:GetBucketTagging'),
    PutBucketTagging: onBucket('s3:PutBucketTagging'),
    DeleteBucketTagging: onBucket('s3:PutBucketTagging'),
    GetBucketCors: onBucket('s3:GetBucketCORS'),
    PutBucketCors: onBucket('s3:PutBucketCORS'),
    DeleteBucketCors: onBucket('s3:PutBucketCORS'),
    GetBucketOwnershipControls: onBucket('s3:GetBucketOwnershipControls'),
    PutBucketOwnershipControls: onBucket('s3:PutBucketOwnershipControls'),
    DeleteBucketOwnershipControls: onBucket('s3:PutBucketOwnershipControls'),
    GetBucketAcl: onBucket('s3:GetBucketAcl'),
    PutBucketAcl: onBucket('s3:PutBucketAcl', aclConditions),
    GetBucketPolicy: onBucket('s3:GetBucketPolicy'),
    PutBucketPolicy: onBucket('s3:PutBucketPolicy'),
    DeleteBucketPolicy: onBucket('s3:DeleteBucketPolicy'),
    GetBucketPolicyStatus: onBucket('s3:GetBucketPolicyStatus'),
    GetPublicAccessBlock: onBucket('s3:GetBucketPublicAccessBlock'),
    PutPublicAccessBlock: onBucket('s3:PutBucketPublicAccessBlock'),
    DeletePublicAccessBlock: onBucket('s3:PutBucketPublicAccessBlock'),
    GetBucketEncryption: onBucket('s3:GetEncryptionConfiguration'),
    PutBucketEncryption: onBucket('s3:PutEncryptionConfiguration'),
    DeleteBucketEncryption: onBucket('s3:PutEncryptionConfiguration'),
    ListObjects: onBucket('s3:ListBucket', listConditions),
    ListObjectsV2: onBucket('s3:ListBucket', listConditions),
    ListObjectVersions: onBucket('s3:ListBucketVersions', listConditions),
    PutObject: onObject('s3:PutObject', (input) => ({
      ...aclConditions(input),
      ...requestTagConditions(input.Tagging),
      ...present([['s3:x-amz-server-side-encryption', input.ServerSideEncryption], ['s3:x-amz-storage-class', input.StorageClass]]),
      ...sseConditions(input),
    })),
    // A copy writes the destination (s3:PutObject) and reads the source (as GetObject would).
    CopyObject: { ...onObject('s3:PutObject', (input) => ({
      ...aclConditions(input),
      ...requestTagConditions(input.TaggingDirective === 'REPLACE' ? input.Tagging : undefined),
      ...present([
        ['s3:x-amz-copy-source', input.CopySource], ['s3:x-amz-metadata-directive', input.MetadataDirective],
        ['s3:x-amz-server-side-encryption', input.ServerSideEncryption], ['s3:x-amz-storage-class', input.StorageClass],
      ]),
      ...sseConditions(input),
    })), also: readsCopySource },
    GetObject: byVersion(onObject('s3:GetObject'), 's3:GetObjectVersion'),
    HeadObject: byVersion(onObject('s3:GetObject'), 's3:GetObjectVersion'),
    DeleteObject: deleteObject,
    DeleteObjects: deleteObjects(),
    GetObjectTagging: byVersion(onObject('s3:GetObjectTagging'), 's3:GetObjectVersionTagging'),
    PutObjectTagging: byVersion(onObject('s3:PutObjectTagging'), 's3:PutObjectVersionTagging'),
    DeleteObjectTagging: byVersion(onObject('s3:DeleteObjectTagging'), 's3:DeleteObjectVersionTagging'),
    GetObjectAcl: byVersion(onObject('s3:GetObjectAcl'), 's3:GetObjectVersionAcl'),
    PutObjectAcl: byVersion(onObject('s3:PutObjectAcl', aclConditions), 's3:PutObjectVersionAcl'),
    // Multipart uploads write with s3:PutObject; their listing and abort have actions of their own.
    CreateMultipartUpload: onObject('s3:PutObject', (input) => ({
      ...aclConditions(input),
      ...requestTagConditions(input.Tagging),
      ...present([['s3:x-amz-server-side-encryption', input.ServerSideEncryption], ['s3:x-amz-storage-class', input.StorageClass]]),
      ...sseConditions(input),
    })),
    UploadPart: onObject('s3:PutObject'),
    // Copying a part also reads the source: s3:GetObject (or GetObjectVersion) on it, under its bucket's policy.
    UploadPartCopy: { ...onObject('s3:PutObject', (input) => present([['s3:x-amz-copy-source', input.CopySource]])), also: readsCopySource },
    CompleteMultipartUpload: onObject('s3:PutObject'),
    AbortMultipartUpload: onObject('s3:AbortMultipartUpload'),
    ListParts: onObject('s3:ListMultipartUploadParts'),
    ListMultipartUploads: onBucket('s3:ListBucketMultipartUploads', (input) => present([['s3:prefix', input.Prefix], ['s3:delimiter', input.Delimiter]])),
    GetObjectAttributes: byVersion(onObject('s3:GetObjectAttributes'), 's3:GetObjectVersionAttributes'),
  };
}
