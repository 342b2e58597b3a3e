/** Where an S3-compatible blob store is, from the `--blobs s3://...` URL. */
import { S3Client } from '@aws-sdk/client-s3';

export interface S3Location {
  client: S3Client;
  bucket: string;
  prefix: string;
  endpoint?: string;
  partSize?: number;
}

/**
 * Parses `s3://bucket/prefix?endpoint=URL&region=R&forcePathStyle=true|false&partSizeMiB=N`.
 * The prefix gets a trailing '/'. Path-style addressing is the default with a custom endpoint
 * (most S3-compatible stores want it) and virtual-hosted style without one (AWS).
 */
export function s3Location(url: string): S3Location {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('--blobs must be an s3://bucket/prefix URL');
  }
  if (u.protocol !== 's3:' || u.hostname === '') throw new Error('--blobs must be an s3://bucket/prefix URL');
  if (u.username || u.password) throw new Error('--blobs takes no credentials in the URL: use AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile');
  const known = new Set(['endpoint', 'region', 'forcePathStyle', 'partSizeMiB']);
  for (const name of u.searchParams.keys()) if (!known.has(name)) throw new Error(`--blobs: unknown parameter ${name}`);
  const endpoint = u.searchParams.get('endpoint') ?? undefined;
  const style = u.searchParams.get('forcePathStyle');
  if (style !== null && style !== 'true' && style !== 'false') throw new Error('--blobs: forcePathStyle must be true or false');
  const partMiB = u.searchParams.get('partSizeMiB');
  const partSize = partMiB === null ? undefined : Number(partMiB) * 1024 * 1024;
  if (partSize !== undefined && !Number.isSafeInteger(partSize)) throw new Error('--blobs: partSizeMiB must be a whole number');
  let prefix = decodeURIComponent(u.pathname.replace(/^\/+/, ''));
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  const client = new S3Client({
    endpoint,
    region: u.searchParams.get('region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    forcePathStyle: style === null ? endpoint !== undefined : style === 'true',
    // Bodies are authenticated by their own encryption; checksums only where a store requires them
    // keeps stores that don't know the newer flexible checksums working.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return { client, bucket: u.hostname, prefix, endpoint, partSize };
}
