/**
 * GetObjectAttributes: what HeadObject tells and more (the checksum, the parts of a multipart
 * object with their sizes and checksums, paged), in one XML document, only the attributes asked for.
 */
import type { GetObjectAttributesOutput, GetObjectAttributesRequest, ObjectPart as WirePart } from '../../../generated/s3/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { checksumMembers } from '../checksums.js';
import { reportedVersionId, requireBucket, requireVersion, type S3Deps } from '../context.js';
import { invalidArgument } from '../errors.js';

const MAX_PARTS = 1000;

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html */
export async function getObjectAttributes(deps: S3Deps, ctx: RequestContext, input: GetObjectAttributesRequest): Promise<GetObjectAttributesOutput> {
  const bucket = await requireBucket(deps, input.Bucket, input.ExpectedBucketOwner);
  const version = await requireVersion(deps, bucket, input.Key, input.VersionId, 'GET');
  // An SSE-C object answers only to its key, as GetObject does.
  deps.sse.checkRead(ctx, version.encryption, input);
  const wanted = new Set(input.ObjectAttributes);
  const output: GetObjectAttributesOutput = { LastModified: version.lastModified, VersionId: reportedVersionId(bucket, version) };
  // The ETag here is unquoted, unlike in every header.
  if (wanted.has('ETag')) output.ETag = version.etag;
  if (wanted.has('StorageClass')) output.StorageClass = version.storageClass as GetObjectAttributesOutput['StorageClass'];
  if (wanted.has('ObjectSize')) output.ObjectSize = version.size;
  if (wanted.has('Checksum') && version.checksum) output.Checksum = checksumMembers(version.checksum);
  if (wanted.has('ObjectParts') && version.partsCount !== null) {
    const marker = input.PartNumberMarker ?? 0;
    const max = input.MaxParts ?? MAX_PARTS;
    if (max < 0) throw invalidArgument('Argument max-parts must be an integer between 0 and 2147483647', 'max-parts', String(max));
    const rows = await deps.uploads.objectParts(version.id, marker, Math.min(max, MAX_PARTS) + 1);
    const page = rows.slice(0, Math.min(max, MAX_PARTS));
    const algorithm = version.checksum?.algorithm;
    const parts: WirePart[] = page.map((p) => ({
      PartNumber: p.partNumber, Size: p.size, ...(algorithm && p.checksum ? { [`Checksum${algorithm}`]: p.checksum } : {}),
    }));
    output.ObjectParts = {
      TotalPartsCount: version.partsCount,
      PartNumberMarker: marker,
      NextPartNumberMarker: page.length > 0 ? page[page.length - 1]!.partNumber : marker,
      MaxParts: max,
      IsTruncated: rows.length > page.length,
      Parts: parts.length > 0 ? parts : undefined,
    };
  }
  return output;
}
