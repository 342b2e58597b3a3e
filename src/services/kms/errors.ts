/**
 * KMS errors with AWS's exact wording (from AWS-validated LocalStack snapshots where they exist;
 * see /work/shared/reference/aws-behaviour.md §1.5). Messages name keys by ARN, never by secret.
 */
import { AwsError } from '../../errors.js';

export const notFoundKey = (arn: string) => new AwsError('NotFoundException', `Key '${arn}' does not exist`);
export const invalidKeyId = (id: string) => new AwsError('NotFoundException', `Invalid keyId '${id}'`);
export const invalidArnRegion = (region: string) => new AwsError('NotFoundException', `Invalid arn ${region}`);
/** AWS names the alias by its ARN here, whatever form the request used. */
export const aliasNotFound = (aliasArn: string) => new AwsError('NotFoundException', `Alias ${aliasArn} is not found.`);

export const disabled = (arn: string) => new AwsError('DisabledException', `${arn} is disabled.`);
export const pendingDeletion = (arn: string) => new AwsError('KMSInvalidStateException', `${arn} is pending deletion.`);
export const pendingImport = (arn: string) => new AwsError('KMSInvalidStateException', `${arn} is pending import.`);
export const notPendingDeletion = (arn: string) => new AwsError('KMSInvalidStateException', `${arn} is not pending deletion.`);
export const invalidState = (arn: string, state: string) => new AwsError('KMSInvalidStateException', `${arn} is ${state}.`);

export const wrongUsage = (arn: string, usage: string, operation: string) =>
  new AwsError('InvalidKeyUsageException', `${arn} key usage is ${usage} which is not valid for ${operation}.`);
export const incompatibleAlgorithm = (algorithm: string, spec: string) =>
  new AwsError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${spec}.`);
export const incorrectKey = () =>
  new AwsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');

/** AWS gives no message for these, so nothing says which check failed. */
export const invalidCiphertext = () => new AwsError('InvalidCiphertextException', '');
export const invalidSignature = () => new AwsError('KMSInvalidSignatureException', '');
export const invalidMac = () => new AwsError('KMSInvalidMacException', '');

export const dryRun = () => new AwsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
export const validation = (message: string) => new AwsError('ValidationException', message, { status: 400 });
export const malformedPolicy = (message = '') => new AwsError('MalformedPolicyDocumentException', message);
export const tagError = (message: string) => new AwsError('TagException', message);
export const invalidMarker = () => new AwsError('InvalidMarkerException', '');

/** Operations a key's spec, origin or manager doesn't allow. AWS gives no message for a spec it can't rotate. */
export const unsupported = (message = '') => new AwsError('UnsupportedOperationException', message);
export const wrongOrigin = (arn: string, origin: string) => unsupported(`${arn} origin is ${origin} which is not valid for this operation.`);
export const notPrimary = (arn: string) => unsupported(`${arn} is not a multi-region primary key.`);
export const limitExceeded = (message: string) => new AwsError('LimitExceededException', message);
export const invalidGrantToken = () => new AwsError('InvalidGrantTokenException', 'The grant token is not valid.');
export const invalidGrantId = () => new AwsError('InvalidGrantIdException', 'The grant ID is not valid.');
export const invalidImportToken = () => new AwsError('InvalidImportTokenException', 'The import token is not valid for this KMS key.');
export const expiredImportToken = () => new AwsError('ExpiredImportTokenException', 'The import token has expired.');
export const incorrectKeyMaterial = (message: string) => new AwsError('IncorrectKeyMaterialException', message);
export const stateConflict = (message: string) => new AwsError('KMSInvalidStateException', message);
