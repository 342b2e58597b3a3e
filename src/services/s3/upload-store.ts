/**
 * Multipart uploads in progress over Kysely (tables in migrations/0008-s3-multipart.ts). A part's
 * blob is written (durable) before its row commits; the row and the replaced blob's garbage entry
 * commit together, and only while the upload still exists, so a part racing an Abort or a
 * Complete never leaves a row or a blob nobody owns. Completion is one transaction with the
 * object's version row (ObjectStore.put's `also`): the upload disappears exactly when the object
 * appears, and of two concurrent Completes exactly one retires the upload.
 */
import type { Transaction } from 'kysely';
import { lockInTransaction } from '../../store/postgres/locks.js';
import type { ChecksumType, Tag } from '../../generated/s3/shapes.js';
import type { Database, Db } from '../../store/database.js';
import type { Acl } from './acl.js';
import type { BlobRef } from './body.js';
import type { ChecksumAlgorithm, StoredChecksum } from './checksums.js';
import type { EncryptionDescriptor } from './encryption.js';
import type { ObjectMetadata, ObjectVersion } from './object-store.js';
import { invalidPart, noSuchUpload } from './multipart-errors.js';
import type { S3UploadPartsTable, S3UploadsTable } from './upload-tables.js';

type Tx = Transaction<Database>;

/** Who started an upload (ListMultipartUploads' Initiator). */
export interface Initiator {
  arn: string;
  accountId: string;
}

export interface Upload {
  uploadId: string;
  bucket: string;
  key: string;
  /** The id the completed object's version row gets: its data key is sealed to it. */
  objectId: string;
  initiated: Date;
  ownerAccount: string;
  initiator: Initiator;
  storageClass: string;
  metadata: ObjectMetadata;
  tags: Tag[];
  acl: Acl;
  encryption: EncryptionDescriptor;
  /** The algorithm the client asked for; null when none was (CRC64NVME is kept regardless). */
  checksumAlgorithm: ChecksumAlgorithm | null;
  checksumType: ChecksumType;
}

export interface UploadPart {
  partNumber: number;
  blobId: string;
  size: number;
  /** Hex MD5 of the part, unquoted. */
  etag: string;
  /** Every checksum computed on the part (base64), by algorithm. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  lastModified: Date;
}

/** A part of a completed multipart object, as GetObjectAttributes and GetObject `partNumber` see it. */
export interface ObjectPart {
  partNumber: number;
  size: number;
  /** In the object's checksum algorithm; undefined when the object keeps none per part. */
  checksum?: string;
}

/** What a repeated CompleteMultipartUpload answers with. */
export interface CompletedVersion {
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  checksum: StoredChecksum | null;
  encryption: EncryptionDescriptor;
}

/** Where a listing of uploads resumes: after this key, or after this upload of it. */
export interface UploadCursor {
  afterKey?: string;
  /** With `afterKey`: resume after this upload of that key (its initiation and id). */
  afterUpload?: { initiated: string; uploadId: string };
  /** Resume at this key (inclusive): the first key after a common prefix. */
  fromKey?: string;
}

/** Rows per INSERT: SQLite caps bound parameters per statement. */
const INSERT_BATCH = 500;

function fromRow(row: S3UploadsTable): Upload {
  return {
    uploadId: row.upload_id,
    bucket: row.bucket,
    key: row.key,
    objectId: row.object_id,
    initiated: new Date(row.initiated),
    ownerAccount: row.owner_account,
    initiator: JSON.parse(row.initiator) as Initiator,
    storageClass: row.storage_class,
    metadata: JSON.parse(row.metadata) as ObjectMetadata,
    tags: JSON.parse(row.tags) as Tag[],
    acl: JSON.parse(row.acl) as Acl,
    encryption: JSON.parse(row.encryption) as EncryptionDescriptor,
    checksumAlgorithm: row.checksum_algorithm as ChecksumAlgorithm | null,
    checksumType: row.checksum_type as ChecksumType,
  };
}

function partFromRow(row: S3UploadPartsTable): UploadPart {
  return {
    partNumber: Number(row.part_number),
    blobId: row.blob_id,
    size: Number(row.size),
    etag: row.etag,
    checksums: JSON.parse(row.checksums) as UploadPart['checksums'],
    lastModified: new Date(row.last_modified),
  };
}

export class UploadStore {
  constructor(private readonly db: Db) {}

  async create(u: Upload): Promise<void> {
    await this.db.insertInto('s3_uploads').values({
      upload_id: u.uploadId, bucket: u.bucket, key: u.key, object_id: u.objectId, initiated: u.initiated.toISOString(),
      owner_account: u.ownerAccount, initiator: JSON.stringify(u.initiator), storage_class: u.storageClass,
      metadata: JSON.stringify(u.metadata), tags: JSON.stringify(u.tags), acl: JSON.stringify(u.acl),
      encryption: JSON.stringify(u.encryption), checksum_algorithm: u.checksumAlgorithm, checksum_type: u.checksumType,
    }).execute();
  }

  /** The upload `uploadId` of `bucket`/`key`, if it is in progress. */
  async get(bucket: string, key: string, uploadId: string): Promise<Upload | undefined> {
    const row = await this.db.selectFrom('s3_uploads').selectAll()
      .where('upload_id', '=', uploadId).where('bucket', '=', bucket).where('key', '=', key).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Records a part (replacing any earlier upload of its number, whose blob becomes garbage).
   * NoSuchUpload when the upload was completed or aborted meanwhile. Returns the replaced blob.
   */
  async putPart(uploadId: string, part: UploadPart): Promise<string[]> {
    return this.db.transaction().execute(async (tx) => {
      await lockUpload(tx, uploadId);
      const live = await tx.selectFrom('s3_uploads').select('upload_id').where('upload_id', '=', uploadId).executeTakeFirst();
      if (!live) throw noSuchUpload(uploadId);
      const old = await tx.selectFrom('s3_upload_parts').select('blob_id')
        .where('upload_id', '=', uploadId).where('part_number', '=', part.partNumber).executeTakeFirst();
      if (old) await tx.deleteFrom('s3_upload_parts').where('upload_id', '=', uploadId).where('part_number', '=', part.partNumber).execute();
      await tx.insertInto('s3_upload_parts').values({
        upload_id: uploadId, part_number: part.partNumber, blob_id: part.blobId, size: part.size, etag: part.etag,
        checksums: JSON.stringify(part.checksums), last_modified: part.lastModified.toISOString(),
      }).execute();
      const garbage = old ? [old.blob_id] : [];
      await queueGarbage(tx, garbage);
      return garbage;
    });
  }

  /** Parts in part-number order after `after`, at most `limit`. */
  async parts(uploadId: string, after: number, limit: number): Promise<UploadPart[]> {
    const rows = await this.db.selectFrom('s3_upload_parts').selectAll()
      .where('upload_id', '=', uploadId).where('part_number', '>', after).orderBy('part_number').limit(limit).execute();
    return rows.map(partFromRow);
  }

  /** Removes an upload and queues its parts' blobs; undefined when it was not in progress. */
  async abort(uploadId: string): Promise<string[] | undefined> {
    return this.db.transaction().execute(async (tx) => retire(tx, uploadId));
  }

  /**
   * The transaction step that completes `upload` as the version `stored`: its chosen parts' blobs
   * become the object's body, the others garbage, and the upload is gone. Throws NoSuchUpload
   * (rolling the version back) when another request completed or aborted it first.
   */
  completeIn(upload: Upload, chosen: UploadPart[], partChecksums: Array<string | undefined>): (tx: Tx, stored: ObjectVersion) => Promise<void> {
    return async (tx, stored) => {
      await lockUpload(tx, upload.uploadId);
      const chosenIds = new Set(chosen.map((p) => p.blobId));
      const all = await tx.selectFrom('s3_upload_parts').select(['blob_id']).where('upload_id', '=', upload.uploadId).execute();
      // Gone first: a Complete that raced another one (another node, on PostgreSQL) finds the upload
      // completed, not its parts missing. Throwing rolls the delete back with the rest.
      const removed = await tx.deleteFrom('s3_uploads').where('upload_id', '=', upload.uploadId).executeTakeFirst();
      if (Number(removed.numDeletedRows) !== 1) throw noSuchUpload(upload.uploadId);
      // A part re-uploaded after this request read it: its blob is garbage now, and its ETag another.
      const replaced = chosen.find((p) => !all.some((r) => r.blob_id === p.blobId));
      if (replaced) throw invalidPart(upload.uploadId, replaced.partNumber, replaced.etag);
      await queueGarbage(tx, all.map((r) => r.blob_id).filter((id) => !chosenIds.has(id)));
      const blobs: BlobRef[] = chosen.map((p) => ({ seq: p.partNumber, blobId: p.blobId, size: p.size }));
      for (let i = 0; i < chosen.length; i += INSERT_BATCH) {
        await tx.insertInto('s3_object_blobs')
          .values(blobs.slice(i, i + INSERT_BATCH).map((b) => ({ object_id: stored.id, seq: b.seq, blob_id: b.blobId, size: b.size })))
          .execute();
        await tx.insertInto('s3_object_parts')
          .values(chosen.slice(i, i + INSERT_BATCH).map((p, j) => ({
            object_id: stored.id, part_number: p.partNumber, size: p.size, checksum: partChecksums[i + j] ?? null,
          })))
          .execute();
      }
    };
  }

  /** Uploads of `bucket` under `prefix` by key then initiation, from `cursor`, at most `limit`. */
  async list(bucket: string, prefix: string, end: string | undefined, cursor: UploadCursor, limit: number): Promise<Upload[]> {
    let query = this.db.selectFrom('s3_uploads').selectAll().where('bucket', '=', bucket);
    if (prefix !== '') query = query.where('key', '>=', prefix);
    if (prefix !== '' && end !== undefined) query = query.where('key', '<', end);
    const { afterKey, afterUpload } = cursor;
    if (afterKey !== undefined && afterUpload !== undefined) {
      query = query.where((eb) => eb.or([
        eb('key', '>', afterKey),
        eb.and([eb('key', '=', afterKey), eb.or([
          eb('initiated', '>', afterUpload.initiated),
          eb.and([eb('initiated', '=', afterUpload.initiated), eb('upload_id', '>', afterUpload.uploadId)]),
        ])]),
      ]));
    } else if (afterKey !== undefined) {
      query = query.where('key', '>', afterKey);
    }
    if (cursor.fromKey !== undefined) query = query.where('key', '>=', cursor.fromKey);
    return (await query.orderBy('key').orderBy('initiated').orderBy('upload_id').limit(limit).execute()).map(fromRow);
  }

  /** An upload by id alone (for ListMultipartUploads' upload-id-marker). */
  async byId(uploadId: string): Promise<Upload | undefined> {
    const row = await this.db.selectFrom('s3_uploads').selectAll().where('upload_id', '=', uploadId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /**
   * The version an upload became, while it exists (a repeated CompleteMultipartUpload is answered
   * again from it): found by the object id the upload's id determines.
   */
  async completedAs(objectId: string): Promise<CompletedVersion | undefined> {
    const row = await this.db.selectFrom('s3_objects')
      .select(['bucket', 'key', 'version_id', 'etag', 'checksum', 'encryption'])
      .where('id', '=', objectId).executeTakeFirst();
    if (!row) return undefined;
    return {
      bucket: row.bucket, key: row.key, versionId: row.version_id, etag: row.etag,
      checksum: row.checksum ? (JSON.parse(row.checksum) as StoredChecksum) : null,
      encryption: JSON.parse(row.encryption!) as EncryptionDescriptor,
    };
  }

  /** The parts of a completed multipart object, in order, after `after`, at most `limit`. */
  async objectParts(objectId: string, after = 0, limit = 10_000): Promise<ObjectPart[]> {
    const rows = await this.db.selectFrom('s3_object_parts').selectAll()
      .where('object_id', '=', objectId).where('part_number', '>', after).orderBy('part_number').limit(limit).execute();
    return rows.map((r) => ({ partNumber: Number(r.part_number), size: Number(r.size), checksum: r.checksum ?? undefined }));
  }

  /**
   * Uploads left behind by a deleted bucket (none of its name, or a newer namesake): S3 deletes a
   * bucket with uploads in progress, and they go with it.
   */
  async orphans(limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('s3_uploads')
      .leftJoin('s3_buckets', 's3_buckets.name', 's3_uploads.bucket')
      .select(['s3_uploads.upload_id'])
      .where((eb) => eb.or([eb('s3_buckets.name', 'is', null), eb('s3_buckets.created_at', '>', eb.ref('s3_uploads.initiated'))]))
      .limit(limit).execute();
    return rows.map((r) => r.upload_id);
  }
}

/** Deletes an upload and its parts, queueing their blobs; undefined when it was not there. */
/**
 * UploadPart, Complete and Abort of one upload take turns (a no-op on SQLite, which runs one
 * transaction at a time). On PostgreSQL two nodes would otherwise race: a part written after an
 * abort read the upload (a foreign-key error instead of NoSuchUpload), or two uploads of one part
 * number both inserting. Complete takes it after the object's lock; nothing takes them the other
 * way round.
 */
function lockUpload(tx: Tx, uploadId: string): Promise<void> {
  return lockInTransaction(tx, `s3-upload:${uploadId}`);
}

async function retire(tx: Tx, uploadId: string): Promise<string[] | undefined> {
  await lockUpload(tx, uploadId);
  const blobs = (await tx.selectFrom('s3_upload_parts').select('blob_id').where('upload_id', '=', uploadId).execute()).map((r) => r.blob_id);
  const removed = await tx.deleteFrom('s3_uploads').where('upload_id', '=', uploadId).executeTakeFirst();
  if (Number(removed.numDeletedRows) !== 1) return undefined;
  await queueGarbage(tx, blobs);
  return blobs;
}

async function queueGarbage(tx: Tx, blobIds: string[]): Promise<void> {
  const now = new Date().toISOString();
  for (let i = 0; i < blobIds.length; i += INSERT_BATCH) {
    await tx.insertInto('s3_blob_garbage').values(blobIds.slice(i, i + INSERT_BATCH).map((blob_id) => ({ blob_id, created_at: now }))).execute();
  }
}
