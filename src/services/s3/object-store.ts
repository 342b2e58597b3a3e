/**
 * Object versions over Kysely (tables in migrations/0003-s3.ts). Every change that makes a version
 * visible or removes one is a single transaction, read-check-write: the versioning state, the
 * write's preconditions and the bucket's existence are read inside it, so concurrent writers
 * serialize and a reader sees either the old version or the new one, never a mix. Blobs a
 * transaction stops referencing are queued in `s3_blob_garbage` by that same transaction; a small
 * body kept in `s3_object_inline` is written and removed by the transaction that writes or removes
 * its version, and never queued.
 *
 * An overwrite of a key's current null version (a bucket without versioning, or suspended) keeps
 * the version's row and id and changes it in place, when the writer sealed the body to that id
 * (`put`): SQLite then writes two or three pages where a delete and an insert write some fifteen
 * (every index of the table twice, the body's row and its index), and its WAL and checkpoints
 * copy each of them. The row's `generation` changes with every write, and a body is read only
 * together with the generation of the row it was read for (`bodyOf`).
 */
import type { Tag } from '../../generated/s3/shapes.js';
import type { Db } from '../../store/database.js';
import type { Acl } from './acl.js';
import { isInline, type BlobRef, type BodyPart } from './body.js';
import { NoSuchBlobError } from '../../store/blobs.js';
import type { Versioning } from './bucket-store.js';
import type { StoredChecksum } from './checksums.js';
import type { EncryptionDescriptor } from './encryption.js';
import { noSuchBucket } from './errors.js';
import { publicRandom } from '../../crypto/random-pool.js';
import { prepared } from '../../store/prepared.js';
import { newVersionId, NULL_VERSION } from './names.js';
import type { Transaction } from 'kysely';
import { durable } from '../../store/group-commit.js';
import { lockInTransaction } from '../../store/postgres/locks.js';
import type { Database } from '../../store/database.js';
import type { S3ObjectsTable } from './tables.js';

/** Content headers and user metadata stored with a version. */
export interface ObjectMetadata {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  /** ISO-8601. */
  expires?: string;
  websiteRedirectLocation?: string;
  /** x-amz-meta-* (names lower-case, without the prefix). */
  user: Record<string, string>;
}

export interface ObjectVersion {
  /** Internal identity (AAD of the sealed data key); never on the wire. */
  id: string;
  bucket: string;
  key: string;
  versionId: string;
  seq: number;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  /** Unquoted. */
  etag: string;
  lastModified: Date;
  ownerAccount: string;
  storageClass: string;
  metadata: ObjectMetadata;
  checksum: StoredChecksum | null;
  tags: Tag[];
  acl: Acl;
  encryption: EncryptionDescriptor | null;
  partsCount: number | null;
  /**
   * Which write of the row this is: random, new with each (a write in place keeps the id, see
   * `ObjectStore.put`); null for rows written before generations existed. Never on the wire.
   */
  generation: string | null;
}

/** A version about to be written: everything but what the store assigns. */
export type NewVersion = Omit<ObjectVersion, 'versionId' | 'seq' | 'isLatest' | 'deleteMarker' | 'generation'>;

/** The null version of a key as a write sees it (`slotIn`). */
interface NullVersion {
  id: string;
  seq: number;
  isLatest: boolean;
  partsCount: number | null;
  /** Its body is a row of `s3_object_inline` (else blobs, or none: a delete marker). */
  inline: boolean;
}

type Row = S3ObjectsTable;
type Tx = Transaction<Database>;

function fromRow(row: Row): ObjectVersion {
  return {
    id: row.id,
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    seq: Number(row.seq),
    isLatest: Number(row.is_latest) === 1,
    deleteMarker: Number(row.delete_marker) === 1,
    size: Number(row.size),
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    ownerAccount: row.owner_account,
    storageClass: row.storage_class,
    metadata: JSON.parse(row.metadata) as ObjectMetadata,
    checksum: row.checksum ? (JSON.parse(row.checksum) as StoredChecksum) : null,
    tags: JSON.parse(row.tags) as Tag[],
    acl: JSON.parse(row.acl) as Acl,
    encryption: row.encryption ? (JSON.parse(row.encryption) as EncryptionDescriptor) : null,
    partsCount: row.parts_count === null ? null : Number(row.parts_count),
    generation: row.generation,
  };
}

function toRow(v: ObjectVersion): Row {
  return {
    id: v.id, bucket: v.bucket, key: v.key, version_id: v.versionId, seq: v.seq,
    is_latest: v.isLatest ? 1 : 0, delete_marker: v.deleteMarker ? 1 : 0, size: v.size, etag: v.etag,
    last_modified: v.lastModified.toISOString(), owner_account: v.ownerAccount, storage_class: v.storageClass,
    metadata: JSON.stringify(v.metadata), checksum: v.checksum ? JSON.stringify(v.checksum) : null,
    tags: JSON.stringify(v.tags), acl: JSON.stringify(v.acl),
    encryption: v.encryption ? JSON.stringify(v.encryption) : null, parts_count: v.partsCount, generation: v.generation,
  };
}

/** The outcome of a delete: what S3 reports, and the blobs to remove once committed. */
export interface DeleteOutcome {
  deleteMarker: boolean;
  versionId?: string;
  garbage: string[];
}

/**
 * The smallest string above every string that starts with `prefix`, in code point order (which is
 * UTF-8 byte order, the order S3 lists keys in and SQLite compares text in); undefined when none.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      points.push(String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1));
      return points.join('');
    }
  }
  return undefined;
}

/** Where a listing resumes: after a key (exclusive), or at a key (inclusive). */
export interface ListCursor {
  after?: string;
  from?: string;
}

/** The queries of every read and write of a small object, compiled once (store/prepared.ts). */
const queries = {
  latest: prepared((db, v: { bucket: string; key: string }) =>
    db.selectFrom('s3_objects').selectAll().where('bucket', '=', v.bucket).where('key', '=', v.key).where('is_latest', '=', 1)),
  byVersion: prepared((db, v: { bucket: string; key: string; versionId: string }) =>
    db.selectFrom('s3_objects').selectAll().where('bucket', '=', v.bucket).where('key', '=', v.key).where('version_id', '=', v.versionId)),
  currentNullId: prepared((db, v: { bucket: string; key: string }) =>
    db.selectFrom('s3_objects').select('id').where('bucket', '=', v.bucket).where('key', '=', v.key).where('version_id', '=', NULL_VERSION).where('is_latest', '=', 1)),
  inlineBody: prepared((db, v: { id: string; generation: string | null }) =>
    db.selectFrom('s3_object_inline as i').innerJoin('s3_objects as o', 'o.id', 'i.object_id').select('i.body')
      .where('i.object_id', '=', v.id).where('o.generation', 'is not distinct from', v.generation)),
  blobs: prepared((db, v: { id: string; generation: string | null }) =>
    db.selectFrom('s3_object_blobs as b').innerJoin('s3_objects as o', 'o.id', 'b.object_id').select(['b.seq', 'b.blob_id', 'b.size'])
      .where('b.object_id', '=', v.id).where('o.generation', 'is not distinct from', v.generation).orderBy('b.seq')),
  slot: prepared((db, v: { bucket: string; key: string }) =>
    db.selectFrom('s3_buckets as b')
      .leftJoin('s3_objects as o', (join) => join.onRef('o.bucket', '=', 'b.name').on('o.key', '=', v.key).on('o.version_id', '=', NULL_VERSION))
      .leftJoin('s3_object_inline as i', 'i.object_id', 'o.id')
      .select(['b.versioning', 'o.id', 'o.seq', 'o.is_latest', 'o.parts_count', 'i.object_id as inline'])
      .where('b.name', '=', v.bucket)),
  // Only what a write changes: SQLite updates every index whose columns an UPDATE names, changed
  // or not, and none of these is indexed.
  rewriteRow: prepared((db, v: Omit<Row, 'bucket' | 'key' | 'version_id' | 'seq' | 'is_latest'>) => {
    const { id, ...changed } = v;
    return db.updateTable('s3_objects').set(changed).where('id', '=', id);
  }),
  rewriteInline: prepared((db, v: { objectId: string; body: Buffer }) =>
    db.updateTable('s3_object_inline').set({ body: v.body }).where('object_id', '=', v.objectId)),
  insertInline: prepared((db, v: { objectId: string; body: Buffer }) =>
    db.insertInto('s3_object_inline').values({ object_id: v.objectId, body: v.body })),
};

export class ObjectStore {
  constructor(private readonly db: Db) {}

  /** The current version of a key (possibly a delete marker). */
  async latest(bucket: string, key: string): Promise<ObjectVersion | undefined> {
    return latestIn(this.db, bucket, key);
  }

  /** The id of the key's null version while it is the current version: a write replacing it may reuse it (`put`). */
  async currentNullId(bucket: string, key: string): Promise<string | undefined> {
    const [row] = await queries.currentNullId(this.db, { bucket, key });
    return row?.id;
  }

  async byVersion(bucket: string, key: string, versionId: string): Promise<ObjectVersion | undefined> {
    const [row] = await queries.byVersion(this.db, { bucket, key, versionId });
    return row ? fromRow(row) : undefined;
  }

  /**
   * The body of `version`: its inline row, else its blobs, read only while its row still holds
   * the write `version` was read from (its generation). NoSuchBlobError when it has neither (every
   * version but a delete marker has one): the version was removed or overwritten since it was read.
   */
  async bodyOf(version: ObjectVersion): Promise<BodyPart[]> {
    const which = { id: version.id, generation: version.generation };
    // Only a single-PUT body can be inline (body.ts): a multipart object's parts go straight to its blobs.
    if (version.partsCount === null) {
      const [row] = await queries.inlineBody(this.db, which);
      if (row) return [{ seq: 1, sealed: row.body, size: version.size }];
    }
    const rows = await queries.blobs(this.db, which);
    if (rows.length === 0) throw new NoSuchBlobError(version.id);
    return rows.map((r): BlobRef => ({ seq: Number(r.seq), blobId: r.blob_id, size: Number(r.size) }));
  }

  /**
   * Makes `version` (with its body `parts`) the current version of its key. `check` sees the
   * current version inside the transaction and throws to refuse (conditional writes). Unless
   * versioning is Enabled the write replaces the null version, whose blobs become garbage.
   * `also` runs last in the same transaction (CompleteMultipartUpload retires its upload there);
   * it throws to roll the whole write back.
   *
   * A `version.id` that is the key's null version's (the caller read it, and sealed the body to it)
   * replaces that version, in place while it is the current one. It does so even when versioning
   * was enabled since: S3 documents that writes made while enabling propagates may apply to the
   * unversioned object. Otherwise the id is new.
   */
  async put(
    version: NewVersion, parts: BodyPart[], check?: (current: ObjectVersion | undefined) => void,
    also?: (tx: Tx, stored: ObjectVersion) => Promise<void>,
  ): Promise<{ version: ObjectVersion; garbage: string[] }> {
    return this.db.transaction().execute(async (tx) => {
      await lockKey(tx, version.bucket, version.key);
      const { versioning, nullVersion } = await slotIn(tx, version.bucket, version.key);
      check?.(await latestIn(tx, version.bucket, version.key));
      const replacing = nullVersion !== undefined && nullVersion.id === version.id;
      const versionId = versioning === 'Enabled' && !replacing ? newVersionId() : NULL_VERSION;
      let stored: ObjectVersion;
      let garbage: string[];
      if (replacing && nullVersion.isLatest) {
        stored = { ...version, versionId, deleteMarker: false, seq: nullVersion.seq, isLatest: true, generation: newGeneration() };
        garbage = await replaceInPlace(tx, nullVersion, stored, parts);
      } else {
        garbage = versionId === NULL_VERSION ? await removeIn(tx, version.bucket, version.key, NULL_VERSION, false) : [];
        stored = await insertLatest(tx, { ...version, versionId, deleteMarker: false });
        await writeBody(tx, stored.id, parts, false);
      }
      await queueGarbage(tx, garbage);
      await also?.(tx, stored);
      return { version: stored, garbage };
    });
  }

  /**
   * DeleteObject. With a version id, that version is removed for good. Without one: an
   * unversioned bucket loses the object, a versioned one gets a delete marker (a suspended one's
   * marker replaces the null version).
   */
  async delete(bucket: string, key: string, versionId: string | undefined, marker: Omit<NewVersion, 'bucket' | 'key'>): Promise<DeleteOutcome> {
    return this.db.transaction().execute(async (tx) => {
      await lockKey(tx, bucket, key);
      const versioning = await versioningIn(tx, bucket);
      if (versionId !== undefined) {
        const target = await tx.selectFrom('s3_objects').select(['delete_marker']).where('bucket', '=', bucket).where('key', '=', key)
          .where('version_id', '=', versionId).executeTakeFirst();
        const garbage = await removeIn(tx, bucket, key, versionId, true);
        await queueGarbage(tx, garbage);
        return { deleteMarker: Number(target?.delete_marker ?? 0) === 1, versionId, garbage };
      }
      if (versioning === null) {
        const garbage = await removeIn(tx, bucket, key, NULL_VERSION, false);
        await queueGarbage(tx, garbage);
        return { deleteMarker: false, garbage };
      }
      const id = versioning === 'Enabled' ? newVersionId() : NULL_VERSION;
      const garbage = id === NULL_VERSION ? await removeIn(tx, bucket, key, NULL_VERSION, false) : [];
      await insertLatest(tx, { ...marker, bucket, key, versionId: id, deleteMarker: true });
      await queueGarbage(tx, garbage);
      return { deleteMarker: true, versionId: id, garbage };
    });
  }

  async updateTags(objectId: string, tags: Tag[]): Promise<void> {
    await this.db.updateTable('s3_objects').set({ tags: JSON.stringify(tags) }).where('id', '=', objectId).execute();
  }

  async updateAcl(objectId: string, acl: Acl): Promise<void> {
    await this.db.updateTable('s3_objects').set({ acl: JSON.stringify(acl) }).where('id', '=', objectId).execute();
  }

  /** Current, non-deleted versions under `prefix`, in key order, from `cursor`, at most `limit`. */
  async listCurrent(bucket: string, prefix: string, cursor: ListCursor, limit: number): Promise<ObjectVersion[]> {
    let query = this.db.selectFrom('s3_objects').selectAll()
      .where('bucket', '=', bucket).where('is_latest', '=', 1).where('delete_marker', '=', 0);
    if (prefix !== '') query = query.where('key', '>=', prefix);
    const end = prefixEnd(prefix);
    if (prefix !== '' && end !== undefined) query = query.where('key', '<', end);
    if (cursor.after !== undefined) query = query.where('key', '>', cursor.after);
    if (cursor.from !== undefined) query = query.where('key', '>=', cursor.from);
    return (await query.orderBy('key').limit(limit).execute()).map(fromRow);
  }

  /**
   * Every version (markers included) under `prefix`, by key then newest first, resuming after
   * the version `afterSeq` of `cursor.after` when given.
   */
  async listVersions(bucket: string, prefix: string, cursor: ListCursor & { afterSeq?: number }, limit: number): Promise<ObjectVersion[]> {
    let query = this.db.selectFrom('s3_objects').selectAll().where('bucket', '=', bucket);
    if (prefix !== '') query = query.where('key', '>=', prefix);
    const end = prefixEnd(prefix);
    if (prefix !== '' && end !== undefined) query = query.where('key', '<', end);
    const { after, afterSeq, from } = cursor;
    if (after !== undefined && afterSeq !== undefined) {
      query = query.where((eb) => eb.or([eb('key', '>', after), eb.and([eb('key', '=', after), eb('seq', '<', afterSeq)])]));
    } else if (after !== undefined) {
      query = query.where('key', '>', after);
    }
    if (from !== undefined) query = query.where('key', '>=', from);
    return (await query.orderBy('key').orderBy('seq', 'desc').limit(limit).execute()).map(fromRow);
  }

  /** Blobs queued for deletion (by a committed transaction or one whose cleanup failed), once that commit is durable. */
  async garbage(limit: number): Promise<string[]> {
    const ids = (await this.db.selectFrom('s3_blob_garbage').select('blob_id').orderBy('created_at').limit(limit).execute()).map((r) => r.blob_id);
    await this.durable();
    return ids;
  }

  /**
   * Resolves once every commit so far is on disk (group-commit.ts). A blob a commit stopped
   * referencing is deleted only then: a crash must not bring back a version whose body is gone.
   */
  durable(): Promise<void> {
    return durable(this.db);
  }

  async clearGarbage(blobIds: string[]): Promise<void> {
    if (blobIds.length > 0) await this.db.deleteFrom('s3_blob_garbage').where('blob_id', 'in', blobIds).execute();
  }
}

/**
 * Writers of one key take turns. SQLite runs one transaction at a time anyway; on PostgreSQL (a
 * cluster) two nodes writing one key would otherwise both read the same current version under READ
 * COMMITTED and collide on the unique (bucket, key, version_id) index: with the lock the second
 * waits, then replaces the first (last writer wins, each version whole).
 */
function lockKey(tx: Tx, bucket: string, key: string): Promise<void> {
  return lockInTransaction(tx, `s3-object:${bucket}/${key}`);
}

async function latestIn(db: Db | Tx, bucket: string, key: string): Promise<ObjectVersion | undefined> {
  const [row] = await queries.latest(db, { bucket, key });
  return row ? fromRow(row) : undefined;
}

/** The bucket's versioning state and the key's null version, read in the transaction; NoSuchBucket if the bucket was deleted meanwhile. */
async function slotIn(tx: Tx, bucket: string, key: string): Promise<{ versioning: Versioning; nullVersion?: NullVersion }> {
  const [row] = await queries.slot(tx, { bucket, key });
  if (!row) throw noSuchBucket(bucket);
  const versioning = row.versioning as Versioning;
  if (row.id === null) return { versioning };
  return {
    versioning,
    nullVersion: {
      id: row.id, seq: Number(row.seq), isLatest: Number(row.is_latest) === 1,
      partsCount: row.parts_count === null ? null : Number(row.parts_count), inline: row.inline !== null,
    },
  };
}

/** A row's new generation (`ObjectVersion.generation`). */
function newGeneration(): string {
  return publicRandom(12).toString('base64url');
}

/**
 * Writes `v` over the key's current null version `current`, which has its id, and the body `parts`
 * over that version's. Returns the old body's blobs.
 */
async function replaceInPlace(tx: Tx, current: NullVersion, v: ObjectVersion, parts: BodyPart[]): Promise<string[]> {
  const garbage = current.inline ? [] : await deleteBlobs(tx, v.id);
  if (current.partsCount !== null) await tx.deleteFrom('s3_object_parts').where('object_id', '=', v.id).execute();
  const { bucket, key, version_id, seq, is_latest, ...changed } = toRow(v);
  await queries.rewriteRow(tx, changed);
  await writeBody(tx, v.id, parts, current.inline);
  return garbage;
}

/** Stores the body of the version `objectId`; `hadInline`: that version had an inline body, which this replaces. */
async function writeBody(tx: Tx, objectId: string, parts: BodyPart[], hadInline: boolean): Promise<void> {
  const inline = parts.find(isInline);
  const blobs = parts.filter((p): p is BlobRef => !isInline(p));
  if (inline) {
    await (hadInline ? queries.rewriteInline : queries.insertInline)(tx, { objectId, body: inline.sealed });
  } else if (hadInline) {
    await tx.deleteFrom('s3_object_inline').where('object_id', '=', objectId).execute();
  }
  if (blobs.length > 0) {
    await tx.insertInto('s3_object_blobs').values(blobs.map((b) => ({ object_id: objectId, seq: b.seq, blob_id: b.blobId, size: b.size }))).execute();
  }
}

/** Deletes the blob rows of the version `objectId`; returns their blobs. */
async function deleteBlobs(tx: Tx, objectId: string): Promise<string[]> {
  return (await tx.deleteFrom('s3_object_blobs').where('object_id', '=', objectId).returning('blob_id').execute()).map((r) => r.blob_id);
}

/** The bucket's versioning state, read in the transaction; NoSuchBucket if it was deleted meanwhile. */
async function versioningIn(tx: Tx, bucket: string): Promise<Versioning> {
  const row = await tx.selectFrom('s3_buckets').select('versioning').where('name', '=', bucket).executeTakeFirst();
  if (!row) throw noSuchBucket(bucket);
  return row.versioning as Versioning;
}

/** Inserts a version as the newest of its key and makes it the current one. */
async function insertLatest(tx: Tx, v: Omit<ObjectVersion, 'seq' | 'isLatest' | 'generation'>): Promise<ObjectVersion> {
  const top = await tx.selectFrom('s3_objects').select((eb) => eb.fn.max('seq').as('seq'))
    .where('bucket', '=', v.bucket).where('key', '=', v.key).executeTakeFirst();
  const seq = Number(top?.seq ?? 0) + 1;
  await tx.updateTable('s3_objects').set({ is_latest: 0 }).where('bucket', '=', v.bucket).where('key', '=', v.key).where('is_latest', '=', 1).execute();
  const stored: ObjectVersion = { ...v, seq, isLatest: true, generation: newGeneration() };
  await tx.insertInto('s3_objects').values(toRow(stored)).execute();
  return stored;
}

/**
 * Removes one version and its body. If it was the current one and `promote` is set, the newest
 * remaining becomes current; a caller about to insert the new current version (a write, a delete
 * marker) leaves it unset, as does one whose key has no other version (a never-versioned bucket).
 * Returns its blobs, to be deleted once the removal is durable (an inline body goes with its row).
 */
async function removeIn(tx: Tx, bucket: string, key: string, versionId: string, promote: boolean): Promise<string[]> {
  const row = await tx.selectFrom('s3_objects').select(['id', 'is_latest']).where('bucket', '=', bucket).where('key', '=', key)
    .where('version_id', '=', versionId).executeTakeFirst();
  if (!row) return [];
  const blobs = await deleteBlobs(tx, row.id);
  // Its inline body row goes with it (ON DELETE CASCADE).
  await tx.deleteFrom('s3_objects').where('id', '=', row.id).execute();
  if (promote && Number(row.is_latest) === 1) {
    const next = await tx.selectFrom('s3_objects').select('id').where('bucket', '=', bucket).where('key', '=', key)
      .orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (next) await tx.updateTable('s3_objects').set({ is_latest: 1 }).where('id', '=', next.id).execute();
  }
  return blobs;
}

async function queueGarbage(tx: Tx, blobIds: string[]): Promise<void> {
  if (blobIds.length === 0) return;
  const now = new Date().toISOString();
  await tx.insertInto('s3_blob_garbage').values(blobIds.map((blob_id) => ({ blob_id, created_at: now }))).execute();
}
