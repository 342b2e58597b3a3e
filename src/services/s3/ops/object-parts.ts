/**
 * The parts of a stored object, for GetObject / HeadObject `partNumber` and GetObjectAttributes:
 * a single-PUT object is one part; a multipart object has the parts its CompleteMultipartUpload
 * listed, read by position (`partNumber=2` is the second listed part, whatever number it was
 * uploaded as), with `x-amz-mp-parts-count` saying how many there are.
 */
import { AwsError } from '../../../errors.js';
import { NoSuchBlobError } from '../../../store/blobs.js';
import type { StoredChecksum } from '../checksums.js';
import type { ByteRange } from '../conditional.js';
import type { S3Deps } from '../context.js';
import { invalidArgument } from '../errors.js';
import type { ObjectVersion } from '../object-store.js';

/** What a read of one part returns: its bytes, the object's part count, and the part's checksum. */
export interface PartRead {
  range?: ByteRange;
  partsCount: number;
  /** The part's own checksum (a multipart object), or the object's (a single PUT). */
  checksum: StoredChecksum | null;
}

/** The part `partNumber` of `version`; InvalidArgument outside 1..10000, InvalidPartNumber (416) past the last. */
export async function readPart(deps: S3Deps, version: ObjectVersion, partNumber: number): Promise<PartRead> {
  if (!(Number.isInteger(partNumber) && partNumber >= 1 && partNumber <= 10_000)) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', String(partNumber));
  }
  const count = version.partsCount ?? 1;
  if (partNumber > count) {
    throw new AwsError('InvalidPartNumber', 'The requested partnumber is not satisfiable', {
      status: 416, fields: { PartNumberRequested: String(partNumber), ActualPartCount: String(count) },
    });
  }
  if (version.partsCount === null) {
    return { range: version.size > 0 ? { start: 0, end: version.size - 1 } : undefined, partsCount: 1, checksum: version.checksum };
  }
  const parts = await deps.uploads.objectParts(version.id, 0, partNumber);
  // Fewer parts than the row said: the version was replaced after its row was read (an overwrite
  // in place keeps the id and drops the parts). The caller reads again, as for a vanished body.
  if (parts.length < partNumber) throw new NoSuchBlobError(version.id);
  const start = parts.slice(0, partNumber - 1).reduce((n, p) => n + p.size, 0);
  const part = parts[partNumber - 1]!;
  const checksum = version.checksum && part.checksum ? { ...version.checksum, value: part.checksum } : null;
  return { range: part.size > 0 ? { start, end: start + part.size - 1 } : undefined, partsCount: count, checksum };
}
