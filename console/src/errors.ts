import type { CommandNamed } from './aws';

/** An AWS error as the console shows it. */
export interface ShownError {
  /** AWS's error code (`AccessDeniedException`, `NoSuchBucket`) or a local category. */
  code: string;
  message: string;
  /** The IAM action refused, for access-denied errors. */
  action?: string;
  /** The API operation that failed (`ListKeys`). */
  operation?: string;
  status?: number;
  requestId?: string;
  denied: boolean;
  notImplemented: boolean;
}

const SERVICE_PREFIX: Record<string, string> = {
  KMSClient: 'kms', S3Client: 's3', IAMClient: 'iam', STSClient: 'sts', CloudTrailClient: 'cloudtrail', EC2Client: 'ec2',
};

/**
 * S3 operations whose IAM action is not `s3:<operation>`. S3 says only "Access Denied", so the
 * console names the action from the operation it called.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
const S3_ACTIONS: Record<string, string> = {
  ListObjectsV2: 'ListBucket', ListObjects: 'ListBucket', ListObjectVersions: 'ListBucketVersions',
  HeadBucket: 'ListBucket', HeadObject: 'GetObject', ListBuckets: 'ListAllMyBuckets',
  DeleteBucketEncryption: 'PutEncryptionConfiguration', GetBucketEncryption: 'GetEncryptionConfiguration',
  PutBucketEncryption: 'PutEncryptionConfiguration', GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock', DeletePublicAccessBlock: 'PutBucketPublicAccessBlock',
  CreateMultipartUpload: 'PutObject', UploadPart: 'PutObject', CompleteMultipartUpload: 'PutObject',
  DeleteObjects: 'DeleteObject', DeleteBucketTagging: 'PutBucketTagging',
};

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess']);
const NOT_IMPLEMENTED = new Set(['NotImplemented', 'UnknownOperation', 'UnknownOperationException', 'InvalidAction', 'UnsupportedOperation']);

/** Turns whatever a call threw into what the user needs: code, AWS's message, the action refused. */
export function describeError(err: unknown): ShownError {
  if (!err || typeof err !== 'object') return plain('Error', String(err));
  const e = err as Error & CommandNamed & { Code?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; $response?: { statusCode?: number } };
  const code = e.Code ?? e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const operation = e.$command?.command || undefined;
  const prefix = e.$command ? SERVICE_PREFIX[e.$command.client] : undefined;
  const denied = DENIED.has(code) || (status === 403 && /denied|not authorized/i.test(e.message ?? ''));
  let action: string | undefined;
  if (denied) {
    action = /perform:? ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(e.message ?? '')?.[1];
    if (!action && prefix && operation) action = `${prefix}:${prefix === 's3' ? (S3_ACTIONS[operation] ?? operation) : operation}`;
  }
  // The SDK says "UnknownError" when AWS sent a bare code (KMS's UnknownOperationException has no message).
  let message = e.message && e.message !== 'UnknownError' ? e.message : '';
  // The SDK reports a body it could not parse (an HTML error page, an empty 5xx) as a deserialization error.
  if (/Deserialization error|char '<'|Unexpected end/.test(message) && status) message = `The server answered HTTP ${status} with a body the SDK could not read.`;
  return {
    code, message, action, operation, status, requestId: e.$metadata?.requestId, denied,
    notImplemented: NOT_IMPLEMENTED.has(code) || status === 501,
  };
}

function plain(code: string, message: string): ShownError {
  return { code, message, denied: false, notImplemented: false };
}
