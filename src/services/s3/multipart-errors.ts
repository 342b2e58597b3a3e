/**
 * The errors of multipart uploads, with S3's codes, statuses, messages and detail elements
 * verbatim (InvalidPart's message has two spaces after its first sentence, as S3 sends it).
 */
import { AwsError } from '../../errors.js';
import { invalidArgument, invalidRequest } from './errors.js';

/** The smallest part but the last of a multipart upload. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

export function noSuchUpload(uploadId: string): AwsError {
  return new AwsError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {
    status: 404, fields: { UploadId: uploadId },
  });
}

export function invalidPart(uploadId: string, partNumber: number, etag: string): AwsError {
  return new AwsError('InvalidPart',
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    { status: 400, fields: { UploadId: uploadId, PartNumber: String(partNumber), ETag: etag } });
}

export function invalidPartOrder(uploadId: string): AwsError {
  return new AwsError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', {
    status: 400, fields: { UploadId: uploadId },
  });
}

export function entityTooSmall(size: number, partNumber: number, etag: string): AwsError {
  return new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
    status: 400, fields: { ProposedSize: String(size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(partNumber), ETag: etag },
  });
}

/** UploadPart / UploadPartCopy part numbers are 1..10000. */
export function checkPartNumber(partNumber: number): void {
  if (!(Number.isInteger(partNumber) && partNumber >= 1 && partNumber <= MAX_PART_NUMBER)) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', String(partNumber));
  }
}

/** "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32". */
export function checksumTypeMismatch(expected: string, actual: string): AwsError {
  return invalidRequest(`Checksum Type mismatch occurred, expected checksum Type: ${expected.toLowerCase()}, actual checksum Type: ${actual.toLowerCase()}`);
}
