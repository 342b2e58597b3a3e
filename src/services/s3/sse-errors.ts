/**
 * S3's server-side-encryption errors, AWS's codes and messages verbatim. Sources: the AWS-validated
 * LocalStack snapshots (TestS3SSECEncryption, test_s3_sse_validate_kms_key[_state]), the S3 user
 * guide (troubleshoot-403-errors for a blocked SSE-C write), and /work/shared/reference §2.
 * Every InvalidArgument about SSE-C names `x-amz-server-side-encryption`, as AWS does, even for
 * the MD5 check.
 */
import { AwsError } from '../../errors.js';
import { invalidArgument, invalidRequest } from './errors.js';

const SSE_HEADER = 'x-amz-server-side-encryption';

export const sseCIncompatible = (sse: string) =>
  invalidArgument('Server Side Encryption with Customer provided key is incompatible with the encryption method specified', SSE_HEADER, sse);
export const sseCNoAlgorithm = () =>
  invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.', SSE_HEADER);
export const sseCNoKey = () =>
  invalidArgument('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.', SSE_HEADER);
export const sseCBadAlgorithm = (algorithm: string) =>
  new AwsError('InvalidEncryptionAlgorithmError', 'The Encryption request you specified is not valid. Supported value: AES256.', {
    status: 400, fields: { ArgumentName: SSE_HEADER, ArgumentValue: algorithm },
  });
export const sseCBadKeySize = () => invalidArgument('The secret key was invalid for the specified algorithm.', SSE_HEADER);
export const sseCBadMd5 = () => invalidArgument('The calculated MD5 hash of the key did not match the hash that was provided.', SSE_HEADER);
/** GET, HEAD or copy of an SSE-C object without the customer key. */
export const sseCRequired = () =>
  invalidRequest('The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.');
/** GET or HEAD with a key that is not the object's. */
export const sseCWrongKey = () =>
  new AwsError('AccessDenied', 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.', { status: 403 });
/** SSE-C headers on an object that is not SSE-C. */
export const sseCNotApplicable = () => invalidRequest('The encryption parameters are not applicable to this object.');
export const sseCInsecure = () =>
  invalidRequest('Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.');
/** UploadPart whose SSE-C presence differs from CreateMultipartUpload's. */
export const sseCPartMissing = () =>
  invalidRequest('The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.');
/** UploadPart with another customer key than CreateMultipartUpload's. */
export const sseCPartMismatch = () => invalidRequest('The provided encryption parameters did not match the ones used originally.');

/** A write naming SSE-C to a bucket whose default-encryption rule blocks it (S3 user guide, troubleshoot-403-errors). */
export function sseCBlocked(principalArn: string | undefined, action: string, resource: string): AwsError {
  return new AwsError('AccessDenied',
    `User: ${principalArn ?? 'anonymous'} is not authorized to perform: ${action} on resource: "${resource}" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type`,
    { status: 403 });
}

export const kmsKeyWithoutKms = () =>
  invalidArgument('Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms', SSE_HEADER);
export const badEncryptionContext = (value: string) =>
  invalidArgument("The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map",
    'x-amz-server-side-encryption-context', value);
/** An algorithm the model lists that general purpose buckets don't take (`aws:fsx`, `aws:backup`). */
export const unsupportedSse = (value: string) => invalidArgument('The encryption method specified is not supported', SSE_HEADER, value);
/** SSE-KMS needs a signed (SigV4) request: an anonymous one is refused as AWS refuses unsigned ones. */
export const kmsNeedsSigV4 = () =>
  new AwsError('InvalidArgument', 'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.', {
    status: 400, fields: { ArgumentName: 'Authorization', ArgumentValue: 'null' },
  });

/**
 * A KMS error met while S3 worked for the caller, as S3 passes it on: the KMS code prefixed with
 * `KMS.` and the KMS message (`KMS.DisabledException` "<arn> is disabled."), a KMS denial as S3's
 * own 403 AccessDenied with KMS's sentence, a spent KMS quota as 503 SlowDown "Please reduce your
 * request rate for operations involving AWS KMS." (what S3 answers then).
 */
export function fromKmsError(err: AwsError): AwsError {
  if (err.code === 'AccessDeniedException') return new AwsError('AccessDenied', err.message, { status: 403 });
  // The caller's KMS quota is spent: S3 answers as it does under its own overload, which SDKs retry.
  if (err.code === 'ThrottlingException') return new AwsError('SlowDown', 'Please reduce your request rate for operations involving AWS KMS.', { status: 503 });
  const status = err.status !== undefined && err.status >= 500 ? err.status : 400;
  return new AwsError(`KMS.${err.code}`, err.message, { status, senderFault: status < 500 });
}
