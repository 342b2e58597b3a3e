/**
 * S3's errors, with AWS's codes, statuses, messages and detail elements verbatim (as recorded
 * against the live service in LocalStack's AWS-validated snapshots; statuses from the S3 error
 * code list, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
import { AwsError } from '../../errors.js';

export { malformedXmlError } from '../../protocols/xml-read.js';
export { methodNotAllowedError, notImplementedError } from '../../protocols/rest-xml.js';

export function noSuchBucket(bucket: string): AwsError {
  return new AwsError('NoSuchBucket', 'The specified bucket does not exist', { status: 404, fields: { BucketName: bucket } });
}

export function noSuchKey(key: string, headers?: Record<string, string>): AwsError {
  return new AwsError('NoSuchKey', 'The specified key does not exist.', { status: 404, fields: { Key: key }, headers });
}

export function noSuchVersion(key: string, versionId: string): AwsError {
  return new AwsError('NoSuchVersion', 'The specified version does not exist.', { status: 404, fields: { Key: key, VersionId: versionId } });
}

export function invalidArgument(message: string, name: string, value?: string): AwsError {
  const fields: Record<string, string> = { ArgumentName: name };
  if (value !== undefined) fields.ArgumentValue = value;
  return new AwsError('InvalidArgument', message, { status: 400, fields });
}

export function invalidRequest(message: string): AwsError {
  return new AwsError('InvalidRequest', message, { status: 400 });
}

export function invalidBucketName(bucket: string): AwsError {
  return new AwsError('InvalidBucketName', 'The specified bucket is not valid.', { status: 400, fields: { BucketName: bucket } });
}

export function bucketAlreadyExists(bucket: string): AwsError {
  return new AwsError('BucketAlreadyExists',
    'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
    { status: 409, fields: { BucketName: bucket } });
}

export function bucketAlreadyOwnedByYou(bucket: string): AwsError {
  return new AwsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.',
    { status: 409, fields: { BucketName: bucket } });
}

export function bucketNotEmpty(bucket: string, versioned: boolean): AwsError {
  const message = versioned
    ? 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.'
    : 'The bucket you tried to delete is not empty';
  return new AwsError('BucketNotEmpty', message, { status: 409, fields: { BucketName: bucket } });
}

/** 412; `condition` names the header that failed (`If-Match`, `If-Unmodified-Since`, `x-amz-copy-source-If-Match` ...). */
export function preconditionFailed(condition: string): AwsError {
  return new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { status: 412, fields: { Condition: condition } });
}

/** 304: no body, but the validators of the object. */
export function notModified(headers: Record<string, string>): AwsError {
  return new AwsError('NotModified', 'Not Modified', { status: 304, headers });
}

export function invalidRange(requested: string, size: number): AwsError {
  return new AwsError('InvalidRange', 'The requested range is not satisfiable', {
    status: 416, fields: { RangeRequested: requested, ActualObjectSize: String(size) },
  });
}

export function invalidDigest(contentMd5: string): AwsError {
  return new AwsError('InvalidDigest', 'The Content-MD5 you specified was invalid.', { status: 400, fields: { 'Content-MD5': contentMd5 } });
}

export function badDigestMd5(expected: string, calculated: string): AwsError {
  return new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.', {
    status: 400, fields: { ExpectedDigest: expected, CalculatedDigest: calculated },
  });
}

export function badDigestChecksum(algorithm: string): AwsError {
  return new AwsError('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`, { status: 400 });
}

/** 5 GiB: the largest body one PutObject (or UploadPart) may carry. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export function entityTooLarge(proposed: number): AwsError {
  return new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
    status: 400, fields: { ProposedSize: String(proposed), MaxSizeAllowed: String(MAX_PUT_BYTES) },
  });
}

export function keyTooLong(size: number): AwsError {
  return new AwsError('KeyTooLongError', 'Your key is too long', { status: 400, fields: { Size: String(size), MaxSizeAllowed: '1024' } });
}

export function invalidTag(message: string, fields: Record<string, string> = {}): AwsError {
  return new AwsError('InvalidTag', message, { status: 400, fields });
}

export function noSuchTagSet(bucket: string): AwsError {
  return new AwsError('NoSuchTagSet', 'The TagSet does not exist', { status: 404, fields: { BucketName: bucket } });
}

export function noSuchCors(bucket: string): AwsError {
  return new AwsError('NoSuchCORSConfiguration', 'The CORS configuration does not exist', { status: 404, fields: { BucketName: bucket } });
}

export function noSuchBucketPolicy(bucket: string): AwsError {
  return new AwsError('NoSuchBucketPolicy', 'The bucket policy does not exist', { status: 404, fields: { BucketName: bucket } });
}

export function ownershipControlsNotFound(bucket: string): AwsError {
  return new AwsError('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', { status: 404, fields: { BucketName: bucket } });
}

export function noSuchPublicAccessBlock(bucket: string): AwsError {
  return new AwsError('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', {
    status: 404, fields: { BucketName: bucket },
  });
}

export function malformedPolicy(message: string): AwsError {
  return new AwsError('MalformedPolicy', message, { status: 400 });
}

/** A bucket whose ObjectOwnership is BucketOwnerEnforced refuses ACLs that would grant anything. */
export function aclNotSupported(): AwsError {
  return new AwsError('AccessControlListNotSupported', 'The bucket does not allow ACLs', { status: 400 });
}

export function invalidBucketAclWithObjectOwnership(): AwsError {
  return new AwsError('InvalidBucketAclWithObjectOwnership', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", { status: 400 });
}

export function accessDenied(headers?: Record<string, string>): AwsError {
  return new AwsError('AccessDenied', 'Access Denied', { status: 403, headers });
}

/** A stored body failed authentication (see crypto/object-stream.ts): never answered with data. */
export function corruptBody(): AwsError {
  return new AwsError('InternalError', 'We encountered an internal error. Please try again.', { status: 500, senderFault: false });
}

/** 405 for a method that makes no sense on a delete marker named by its version id. */
export function deleteMarkerNotAllowed(method: string, headers: Record<string, string>): AwsError {
  return new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', {
    status: 405, fields: { Method: method, ResourceType: 'DeleteMarker' }, headers: { ...headers, allow: 'DELETE' },
  });
}
