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
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const service = parts[2];
  const resource = parts.slice(5).join(':');
  const kind = resource.split(/[/:]/)[0];
  switch (service) {
    case 's3': return resource.includes('/') ? 'AWS::S3::Object' : 'AWS::S3::Bucket';
    case 'kms': return kind === 'alias' ? 'AWS::KMS::Alias' : kind === 'key' ? 'AWS::KMS::Key' : undefined;
    case 'iam': return IAM_TYPES[kind ?? ''];
    case 'sts': return kind === 'assumed-role' ? 'AWS::STS::AssumedRole' : kind === 'federated-user' ? 'AWS::STS::FederatedUser' : undefined;
    case 'cloudtrail': return kind === 'trail' ? 'AWS::CloudTrail::Trail' : undefined;
    default: return undefined;
  }
}

const IAM_TYPES: Record<string, string> = {
  user: 'AWS::IAM::User', role: 'AWS::IAM::Role', group: 'AWS::IAM::Group', policy: 'AWS::IAM::Policy',
  'instance-profile': 'AWS::IAM::InstanceProfile', 'oidc-provider': 'AWS::IAM::OIDCProvider',
  'saml-provider': 'AWS::IAM::SAMLProvider', 'server-certificate': 'AWS::IAM::ServerCertificate',
  mfa: 'AWS::IAM::VirtualMFADevice',
};

/**
 * The name event history shows for a resource (LookupEvents `Resources[].ResourceName`): S3
 * buckets and IAM entities by name, everything else by ARN.
 */
export function resourceName(arn: string, type: string | undefined): string {
  const resource = arn.split(':').slice(5).join(':');
  if (type === 'AWS::S3::Bucket') return resource;
  if (type?.startsWith('AWS::IAM::')) return resource.slice(resource.lastIndexOf('/') + 1);
  return arn;
}
