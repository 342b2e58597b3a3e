/**
 * S3 operation -> IAM action, resource ARNs and S3 condition keys, as the Service Authorization
 * Reference lists them: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 * (several operations share an action: HeadObject is s3:GetObject, DeleteBucketTagging is
 * s3:PutBucketTagging ...). A request naming a version id needs the *Version* action instead.
 * The bucket policy is every action's resource policy (kind 'standard').
 */
import type { ActionSpec, ResourcePolicy } from '../../authz/types.js';
import type { RequestContext } from '../../server/context.js';
import type { BucketStore } from './bucket-store.js';
import { parseCopySource } from './ops/copy.js';

/** `arn:aws:s3:::bucket`: S3 ARNs carry neither region nor account. */
export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

type BucketInput = { Bucket: string };

/**
 * An ActionSpec whose action depends on the request: `actionFor` names it (a request with a
 * version id needs s3:GetObjectVersion, not s3:GetObject). `action` stays the plain one.
 * Authorizers that know `actionFor` call it; see the closing note of the S3 storage task.
 */
export interface S3ActionSpec<Input = any> extends ActionSpec<Input> {
  actionFor?(ctx: RequestContext, input: Input): string;
}

/** The spec of an object operation that has a *Version* variant for requests naming a version id. */
function byVersion(spec: ActionSpec<ObjectInput>, versioned: string): S3ActionSpec<ObjectInput> {
  return { ...spec, actionFor: (_ctx, input) => (input.VersionId === undefined ? spec.action : versioned) };
}
type ObjectInput = { Bucket: string; Key: string; VersionId?: string };
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

export function s3Actions(buckets: BucketStore): Record<string, S3ActionSpec> {
  const resourcePolicy = async (_ctx: RequestContext, input: BucketInput): Promise<ResourcePolicy | undefined> => {
    const bucket = await buckets.get(input.Bucket);
    if (!bucket) return undefined;
    // Always name the owner, even with no policy: S3 ARNs carry no account, and without it a
    // caller from another account would be judged as if the bucket were theirs. '' = no policy.
    const document = await buckets.getConfig<string>(bucket.name, 'policy');
    return { document: document ?? '', accountId: bucket.accountId, kind: 'standard' };
  };
  const onBucket = (action: string, conditions?: (input: any) => Conditions): ActionSpec<BucketInput> => ({
    action,
    resources: (_ctx, input) => [bucketArn(input.Bucket)],
    conditions: conditions ? (_ctx, input) => conditions(input) : undefined,
    resourcePolicy,
  });
  const onObject = (action: string, conditions?: (input: any) => Conditions): ActionSpec<ObjectInput> => ({
    action,
    resources: (_ctx, input) => [objectArn(input.Bucket, input.Key)],
    conditions: (_ctx, input) => ({ ...present([['s3:VersionId', input.VersionId]]), ...(conditions ? conditions(input) : {}) }),
    resourcePolicy,
  });
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
    CopyObject: onObject('s3:PutObject', (input) => ({
      ...aclConditions(input),
      ...requestTagConditions(input.TaggingDirective === 'REPLACE' ? input.Tagging : undefined),
      ...present([
        ['s3:x-amz-copy-source', input.CopySource], ['s3:x-amz-metadata-directive', input.MetadataDirective],
        ['s3:x-amz-server-side-encryption', input.ServerSideEncryption], ['s3:x-amz-storage-class', input.StorageClass],
      ]),
      ...sseConditions(input),
    })),
    GetObject: byVersion(onObject('s3:GetObject'), 's3:GetObjectVersion'),
    HeadObject: byVersion(onObject('s3:GetObject'), 's3:GetObjectVersion'),
    DeleteObject: byVersion(onObject('s3:DeleteObject'), 's3:DeleteObjectVersion'),
    DeleteObjects: {
      action: 's3:DeleteObject',
      resources: (_ctx, input: { Bucket: string; Delete: { Objects: Array<{ Key: string }> } }) => input.Delete.Objects.map((o) => objectArn(input.Bucket, o.Key)),
      resourcePolicy,
    },
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
    UploadPartCopy: {
      ...onObject('s3:PutObject', (input) => present([['s3:x-amz-copy-source', input.CopySource]])),
      also: async (_ctx, input: { CopySource: string }) => {
        const source = parseCopySource(input.CopySource);
        return [{
          action: source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
          resources: () => [objectArn(source.bucket, source.key)],
          conditions: () => present([['s3:VersionId', source.versionId]]),
          resourcePolicy: (ctx) => resourcePolicy(ctx, { Bucket: source.bucket }),
        }];
      },
    },
    CompleteMultipartUpload: onObject('s3:PutObject'),
    AbortMultipartUpload: onObject('s3:AbortMultipartUpload'),
    ListParts: onObject('s3:ListMultipartUploadParts'),
    ListMultipartUploads: onBucket('s3:ListBucketMultipartUploads', (input) => present([['s3:prefix', input.Prefix], ['s3:delimiter', input.Delimiter]])),
    GetObjectAttributes: byVersion(onObject('s3:GetObjectAttributes'), 's3:GetObjectVersionAttributes'),
  };
}
