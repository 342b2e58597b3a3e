/**
 * How CloudTrail names and sorts a call: its event source and name, whether it is read-only, and
 * whether it is a management or a data event. AWS decides these per operation; the rules below
 * follow its documentation and published events, with the exceptions listed where they occur.
 */
import type { ServiceName } from '../model/registry.js';

/** `kms` -> `kms.amazonaws.com`. */
export function eventSource(service: ServiceName): string {
  return `${service}.amazonaws.com`;
}

/**
 * S3 logs a few operations under their older names: ListObjectsV2 as ListObjects (with
 * `list-type: 2` among the parameters) and the *Configuration variants of lifecycle and
 * notification as PutBucketLifecycle, GetBucketNotification, ...
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
 */
const S3_EVENT_NAMES: Record<string, string> = {
  ListObjectsV2: 'ListObjects',
  GetBucketLifecycleConfiguration: 'GetBucketLifecycle',
  PutBucketLifecycleConfiguration: 'PutBucketLifecycle',
  GetBucketNotificationConfiguration: 'GetBucketNotification',
  PutBucketNotificationConfiguration: 'PutBucketNotification',
};

export function eventName(service: ServiceName, operation: string): string {
  return (service === 's3' && S3_EVENT_NAMES[operation]) || operation;
}

/** Operation-name prefixes AWS marks `readOnly: true` in every service. */
const READ_PREFIXES = ['Get', 'List', 'Describe', 'Lookup', 'Head', 'Search', 'Simulate'];

/**
 * Operations that read nothing back by their name but that AWS still logs as read-only: KMS
 * cryptographic operations change no state (its published Encrypt event has `readOnly: true`),
 * nor do STS's credential-vending calls or S3 Select.
 */
const READ_ONLY: Partial<Record<ServiceName, ReadonlySet<string>>> = {
  kms: new Set([
    'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
    'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateMac', 'VerifyMac',
    'GenerateRandom', 'Sign', 'Verify', 'DeriveSharedSecret',
  ]),
  sts: new Set([
    'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'AssumeRoot',
    'DecodeAuthorizationMessage', 'GetFederationToken', 'GetSessionToken',
  ]),
  s3: new Set(['SelectObjectContent']),
};

export function isReadOnly(service: ServiceName, operation: string): boolean {
  if (READ_ONLY[service]?.has(operation)) return true;
  return READ_PREFIXES.some((p) => operation.startsWith(p) && /^[A-Z]/.test(operation.charAt(p.length)));
}

/**
 * S3 object-level operations are data events: off by default, never in event history, logged
 * only by trails whose selectors ask for them. The list is S3's own.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html#cloudtrail-object-level-tracking
 */
const S3_DATA_OPERATIONS: ReadonlySet<string> = new Set([
  'AbortMultipartUpload', 'CompleteMultipartUpload', 'CopyObject', 'CreateMultipartUpload',
  'DeleteObject', 'DeleteObjects', 'DeleteObjectTagging', 'GetObject', 'GetObjectAcl',
  'GetObjectAttributes', 'GetObjectLegalHold', 'GetObjectRetention', 'GetObjectTagging',
  'GetObjectTorrent', 'HeadObject', 'ListParts', 'PutObject', 'PutObjectAcl',
  'PutObjectLegalHold', 'PutObjectRetention', 'PutObjectTagging', 'RestoreObject',
  'SelectObjectContent', 'UploadPart', 'UploadPartCopy',
  // Bucket-level reads S3 logs as data events (listing a prefix, probing a bucket).
  'HeadBucket', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads',
]);

export type EventCategory = 'Management' | 'Data';

export function eventCategory(service: ServiceName, operation: string): EventCategory {
  return service === 's3' && S3_DATA_OPERATIONS.has(operation) ? 'Data' : 'Management';
}

/**
 * Resources a call creates, named only in its response: AWS lists the new KMS key in CreateKey's
 * `resources` although the request could not name it.
 */
export function createdResources(service: ServiceName, operation: string, output: unknown): string[] {
  const out = output as Record<string, any> | undefined;
  if (service === 'kms' && operation === 'CreateKey' && typeof out?.KeyMetadata?.Arn === 'string') return [out.KeyMetadata.Arn];
  return [];
}

/** IAM is a global service: CloudTrail records its events in us-east-1 whatever the endpoint. */
export function eventRegion(service: ServiceName, region: string): string {
  return service === 'iam' ? 'us-east-1' : region;
}

/** The CloudFormation-style type of a resource ARN, as CloudTrail's `resources[].type` names it. */
export function resourceType(arn: string): string | undefined {
  // arn:partition:service:region:account:resource, scanned rather than split: this runs for
  // every resource of every event.
  const at = colons(arn, 5);
  if (at < 0 || !arn.startsWith('arn:')) return undefined;
  const afterPartition = colons(arn, 2);
  const service = arn.slice(afterPartition + 1, arn.indexOf(':', afterPartition + 1));
  const kind = arn.slice(at + 1, firstOf(arn, at + 1));
  switch (service) {
    case 's3': return arn.includes('/', at) ? 'AWS::S3::Object' : 'AWS::S3::Bucket';
    case 'kms': return kind === 'alias' ? 'AWS::KMS::Alias' : kind === 'key' ? 'AWS::KMS::Key' : undefined;
    case 'iam': return IAM_TYPES.get(kind);
    case 'sts': return kind === 'assumed-role' ? 'AWS::STS::AssumedRole' : kind === 'federated-user' ? 'AWS::STS::FederatedUser' : undefined;
    case 'cloudtrail': return kind === 'trail' ? 'AWS::CloudTrail::Trail' : undefined;
    default: return undefined;
  }
}

/** Where the `n`th colon of `arn` is, or -1. */
function colons(arn: string, n: number): number {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = arn.indexOf(':', at + 1);
    if (at < 0) return -1;
  }
  return at;
}

/** The end of the resource's first segment: the first `/` or `:` from `from`, or the end. */
function firstOf(arn: string, from: number): number {
  for (let k = from; k < arn.length; k++) {
    const c = arn.charCodeAt(k);
    if (c === 0x2f || c === 0x3a) return k;
  }
  return arn.length;
}

const IAM_TYPES: ReadonlyMap<string, string> = new Map([
  ['user', 'AWS::IAM::User'], ['role', 'AWS::IAM::Role'], ['group', 'AWS::IAM::Group'], ['policy', 'AWS::IAM::Policy'],
  ['instance-profile', 'AWS::IAM::InstanceProfile'], ['oidc-provider', 'AWS::IAM::OIDCProvider'],
  ['saml-provider', 'AWS::IAM::SAMLProvider'], ['server-certificate', 'AWS::IAM::ServerCertificate'],
  ['mfa', 'AWS::IAM::VirtualMFADevice'],
]);

/**
 * The name event history shows for a resource (LookupEvents `Resources[].ResourceName`): S3
 * buckets and IAM entities by name, everything else by ARN.
 */
export function resourceName(arn: string, type: string | undefined): string {
  if (type !== 'AWS::S3::Bucket' && !type?.startsWith('AWS::IAM::')) return arn;
  const resource = arn.slice(colons(arn, 5) + 1);
  if (type === 'AWS::S3::Bucket') return resource;
  return resource.slice(resource.lastIndexOf('/') + 1);
}
