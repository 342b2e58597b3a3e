/**
 * What every S3 operation works with (stores, encryption, service time) and the lookups they share:
 * the bucket a request names, its owner's canonical id, the version a key/versionId names.
 */
import { publicRandom } from '../../crypto/random-pool.js';
import type { Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import type { Logger } from '../../server/logger.js';
import type { Db } from '../../store/database.js';
import type { BodyStore } from './body.js';
import type { Bucket, BucketStore } from './bucket-store.js';
import { accessDenied, deleteMarkerNotAllowed, noSuchBucket, noSuchKey, noSuchVersion } from './errors.js';
import { checkVersionId } from './names.js';
import type { ObjectStore, ObjectVersion } from './object-store.js';
import type { BlobReclaimer } from './reclaim.js';
import type { Sse } from './sse.js';
import type { UploadStore } from './upload-store.js';

/** Canonical user ids of accounts (S3's owner ids), read once per account. */
export class AccountDirectory {
  private readonly byAccount = new Map<string, string>();

  constructor(private readonly db: Db) {}

  async canonicalId(accountId: string): Promise<string> {
    let id = this.byAccount.get(accountId);
    if (id === undefined) {
      const row = await this.db.selectFrom('accounts').select('canonical_user_id').where('id', '=', accountId).executeTakeFirst();
      if (!row) throw new Error(`no such account ${accountId}`);
      id = row.canonical_user_id;
      this.byAccount.set(accountId, id);
    }
    return id;
  }

  /** Whether a canonical user id is one of Coffer's accounts (ACL grantees must be). */
  async isKnown(canonicalId: string): Promise<boolean> {
    const row = await this.db.selectFrom('accounts').select('id').where('canonical_user_id', '=', canonicalId).executeTakeFirst();
    return row !== undefined;
  }
}

export interface S3Deps {
  buckets: BucketStore;
  objects: ObjectStore;
  bodies: BodyStore;
  /** Deletes the blobs a committed write stopped referencing, after its answer (reclaim.ts). */
  reclaim: BlobReclaimer;
  /** Server-side encryption: every body's data key is made and opened here (sse.ts). */
  sse: Sse;
  /** Multipart uploads in progress and the parts of completed multipart objects (upload-store.ts). */
  uploads: UploadStore;
  accounts: AccountDirectory;
  clock: Clock;
  log: Logger;
}

/** The bucket a request names; NoSuchBucket, or AccessDenied when `expectedOwner` is not its owner. */
export async function requireBucket(deps: S3Deps, name: string, expectedOwner?: string): Promise<Bucket> {
  const bucket = await deps.buckets.get(name);
  if (!bucket) throw noSuchBucket(name);
  if (expectedOwner !== undefined && expectedOwner !== bucket.accountId) throw accessDenied();
  return bucket;
}

/** A new version's internal id (the AAD its data key is sealed to). */
export function newObjectId(): string {
  return publicRandom(16).toString('hex');
}

/** S3 sends ETags quoted. */
export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/** The owner of a new object: the bucket owner when ACLs are disabled, else the writer. */
export function newObjectOwner(ctx: RequestContext, bucket: Bucket): string {
  return bucket.objectOwnership === 'BucketOwnerEnforced' || !ctx.accountId ? bucket.accountId : ctx.accountId;
}

/** `x-amz-delete-marker` / `x-amz-version-id` as S3 adds them to errors about delete markers. */
export function deleteMarkerHeaders(version: ObjectVersion, bucket: Bucket): Record<string, string> {
  const headers: Record<string, string> = { 'x-amz-delete-marker': 'true' };
  if (bucket.versioning !== null) headers['x-amz-version-id'] = version.versionId;
  return headers;
}

/**
 * The version a read names. Without a version id: the current one (NoSuchKey when there is none
 * or it is a delete marker). With one: that version (NoSuchVersion when absent; a delete marker
 * is 405 MethodNotAllowed, as S3 answers for a method that makes no sense on one).
 */
export async function requireVersion(deps: S3Deps, bucket: Bucket, key: string, versionId: string | undefined, method: string): Promise<ObjectVersion> {
  if (versionId === undefined) {
    const current = await deps.objects.latest(bucket.name, key);
    if (!current) throw noSuchKey(key);
    if (current.deleteMarker) throw noSuchKey(key, deleteMarkerHeaders(current, bucket));
    return current;
  }
  checkVersionId(versionId);
  const version = await deps.objects.byVersion(bucket.name, key, versionId);
  if (!version) throw noSuchVersion(key, versionId);
  if (version.deleteMarker) {
    throw deleteMarkerNotAllowed(method, deleteMarkerHeaders(version, bucket));
  }
  return version;
}

/** The version id a response reports: none for a bucket that was never versioned. */
export function reportedVersionId(bucket: Bucket, version: ObjectVersion): string | undefined {
  return bucket.versioning === null ? undefined : version.versionId;
}
