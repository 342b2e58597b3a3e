/**
 * Buckets and their configuration documents, over Kysely (tables in migrations/0003-s3.ts).
 * Bucket names are global: one row per name whatever the account.
 *
 * Every S3 request reads its bucket's row and some of its documents (the policy, the default
 * encryption, Block Public Access) at least twice, for authorization and for the operation: those
 * reads answer from a short-lived cache (store/recent-cache.ts) that every write here
 * invalidates, as KMS's key store does. Each read builds fresh objects from the cached row, so no
 * caller shares what another may change.
 */
import type { ObjectOwnership } from '../../generated/s3/shapes.js';
import type { Db } from '../../store/database.js';
import { ChangeCounter, RecentCache } from '../../store/recent-cache.js';
import type { Acl } from './acl.js';

export type Versioning = 'Enabled' | 'Suspended' | null;

export interface Bucket {
  name: string;
  /** The owning account. */
  accountId: string;
  region: string;
  /** What GetBucketLocation answers ('' for us-east-1). */
  locationConstraint: string;
  createdAt: Date;
  /** null when the bucket has no ownership controls. */
  objectOwnership: ObjectOwnership | null;
  versioning: Versioning;
  acl: Acl;
}

/** Configuration documents kept per bucket; later tasks add their own names. */
export type BucketConfigName = 'tagging' | 'cors' | 'policy' | 'public-access-block' | 'encryption';

type Row = { name: string; account_id: string; region: string; location_constraint: string; created_at: string; object_ownership: string | null; versioning: string | null; acl: string };

function fromRow(row: Row): Bucket {
  return {
    name: row.name,
    accountId: row.account_id,
    region: row.region,
    locationConstraint: row.location_constraint,
    createdAt: new Date(row.created_at),
    objectOwnership: row.object_ownership as ObjectOwnership | null,
    versioning: row.versioning as Versioning,
    acl: JSON.parse(row.acl) as Acl,
  };
}

export class BucketStore {
  private readonly changes = new ChangeCounter();
  private readonly rows: RecentCache<Row>;
  private readonly documents: RecentCache<string | null>;

  /**
   * `cacheTtlMs`: how long reads may answer from the cache (default one second). A cluster passes
   * 0: another node's policy or versioning change must be seen at once.
   */
  constructor(private readonly db: Db, cacheTtlMs?: number) {
    this.rows = new RecentCache(this.changes, cacheTtlMs);
    this.documents = new RecentCache(this.changes, cacheTtlMs);
  }

  async get(name: string): Promise<Bucket | undefined> {
    const row = await this.rows.get(name, () => this.db.selectFrom('s3_buckets').selectAll().where('name', '=', name).executeTakeFirst());
    return row ? fromRow(row) : undefined;
  }

  /** Inserts a new bucket with its first configuration documents, in one transaction; false if the name is taken. */
  async insert(bucket: Bucket, configs: Partial<Record<BucketConfigName, unknown>> = {}): Promise<boolean> {
    return this.changes.count(this.db.transaction().execute(async (tx) => {
      const result = await tx.insertInto('s3_buckets').values({
        name: bucket.name,
        account_id: bucket.accountId,
        region: bucket.region,
        location_constraint: bucket.locationConstraint,
        created_at: bucket.createdAt.toISOString(),
        object_ownership: bucket.objectOwnership,
        versioning: bucket.versioning,
        acl: JSON.stringify(bucket.acl),
      }).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
      const inserted = Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
      for (const [name, value] of Object.entries(configs)) {
        if (inserted && value !== undefined) await tx.insertInto('s3_bucket_configs').values({ bucket: bucket.name, name, document: JSON.stringify(value) }).execute();
      }
      return inserted;
    }));
  }

  async update(name: string, patch: { objectOwnership?: ObjectOwnership | null; versioning?: Versioning; acl?: Acl }): Promise<void> {
    const set: Partial<Row> = {};
    if (patch.objectOwnership !== undefined) set.object_ownership = patch.objectOwnership;
    if (patch.versioning !== undefined) set.versioning = patch.versioning;
    if (patch.acl !== undefined) set.acl = JSON.stringify(patch.acl);
    if (Object.keys(set).length === 0) return;
    await this.changes.count(this.db.updateTable('s3_buckets').set(set).where('name', '=', name).execute());
  }

  /** Deletes an empty bucket (configuration included); 'not-empty' while any version or marker is left. */
  async delete(name: string): Promise<'deleted' | 'not-empty' | 'missing'> {
    return this.changes.count(this.db.transaction().execute(async (tx) => {
      const exists = await tx.selectFrom('s3_buckets').select('name').where('name', '=', name).executeTakeFirst();
      if (!exists) return 'missing';
      const any = await tx.selectFrom('s3_objects').select('id').where('bucket', '=', name).limit(1).executeTakeFirst();
      if (any) return 'not-empty';
      await tx.deleteFrom('s3_bucket_configs').where('bucket', '=', name).execute();
      await tx.deleteFrom('s3_buckets').where('name', '=', name).execute();
      return 'deleted';
    }));
  }

  /** An account's buckets in name order, from after `after`, at most `limit` (+1 to tell truncation). */
  async list(accountId: string, opts: { prefix?: string; after?: string; region?: string; limit: number }): Promise<Bucket[]> {
    let query = this.db.selectFrom('s3_buckets').selectAll().where('account_id', '=', accountId);
    if (opts.prefix) query = query.where('name', '>=', opts.prefix);
    if (opts.after !== undefined) query = query.where('name', '>', opts.after);
    if (opts.region !== undefined) query = query.where('region', '=', opts.region);
    const rows = await query.orderBy('name').limit(opts.limit).execute();
    // Bucket names are lower-case ASCII, so a plain prefix test is exact.
    return rows.map(fromRow).filter((b) => !opts.prefix || b.name.startsWith(opts.prefix));
  }

  async getConfig<T>(bucket: string, name: BucketConfigName): Promise<T | undefined> {
    // Bucket names never hold a newline: the pair's key is unambiguous. Most buckets have no
    // policy or default encryption: that absence is kept too (null), the cache drops only undefined.
    const document = await this.documents.get(`${bucket}\n${name}`, async () =>
      (await this.db.selectFrom('s3_bucket_configs').select('document').where('bucket', '=', bucket).where('name', '=', name).executeTakeFirst())?.document ?? null);
    return document ? (JSON.parse(document) as T) : undefined;
  }

  async putConfig(bucket: string, name: BucketConfigName, value: unknown): Promise<void> {
    const document = JSON.stringify(value);
    await this.changes.count(this.db.insertInto('s3_bucket_configs').values({ bucket, name, document })
      .onConflict((oc) => oc.columns(['bucket', 'name']).doUpdateSet({ document })).execute());
  }

  async deleteConfig(bucket: string, name: BucketConfigName): Promise<void> {
    await this.changes.count(this.db.deleteFrom('s3_bucket_configs').where('bucket', '=', bucket).where('name', '=', name).execute());
  }
}
