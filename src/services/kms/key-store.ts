/**
 * The KMS key store: a repository over Kysely for keys, their materials, aliases and tags.
 *
 * ## Design note (for rotation, imports, replicas and grants)
 *
 * - `kms_keys`: one row per key per Region, primary key `arn`. A key is scoped by
 *   (account_id, region, key_id); the ARN carries all three. Key state, spec, usage, origin,
 *   policy, description and the deletion schedule live here. `current_material_version` names
 *   the material new ciphertexts use (null = no material: PendingImport).
 * - `kms_key_materials`: (key_arn, version) -> sealed secret. Versions start at 1 and only grow.
 *   Symmetric blobs name the version that sealed them, so rotation inserts version n+1 (with its
 *   rotation type and date) and moves `current_material_version`; old versions stay and keep
 *   decrypting. Imported material sets `imported = 1`, its expiration model and `expires_at`
 *   (ValidTo); deleting or expiring it nulls `material_sealed` but keeps the row (version and
 *   KeyMaterialId), so the same material can be re-imported and old ciphertexts decrypt again; the
 *   key is then PendingImport. A version above `current_material_version` is imported material
 *   pending an on-demand rotation. The secret is sealed by the root key under AAD
 *   `kms/<key arn>/material/<version>` (see key-material.ts), so a row copied to another key or
 *   version fails to open.
 * - Multi-Region replicas: a replica is another `kms_keys` row with the same key_id in another
 *   Region (`multi_region = 1`, `primary_region` = the primary's Region, the same on every row of
 *   the set) and copies of the same materials with the same versions and KeyMaterialIds, re-sealed
 *   under the replica's ARN. Blobs carry no Region, so they decrypt in every replica. Rotation
 *   settings are kept the same on every row of the set; rotating adds the version to every row.
 * - `kms_aliases`: (account_id, region, alias_name) -> target key ARN.
 * - `kms_tags`: (key_arn, tag_key) -> value.
 * - `kms_grants` (grant-store.ts): grant id -> key ARN, grantee, operations, constraints.
 * - Deleting a key (the sweep) deletes its grants, tags, aliases, materials and row in one
 *   transaction, and the caller evicts any opened material from the cache.
 */
import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../../store/database.js';
import { ChangeCounter, RecentCache } from '../../store/recent-cache.js';
import type { KmsAliasesTable, KmsKeyMaterialsTable, KmsKeysTable } from './tables.js';

export type KeyRow = Selectable<KmsKeysTable>;
export type MaterialRow = Selectable<KmsKeyMaterialsTable>;
export type AliasRow = Selectable<KmsAliasesTable>;
export type KeyUpdate = Updateable<KmsKeysTable>;
/** A partial update of a material row. */
export type MaterialUpdate = Updateable<KmsKeyMaterialsTable>;

/** A set of material changes (and key updates) committed together by writeMaterials(). */
export interface MaterialChange {
  insert?: MaterialRow[];
  update?: Array<{ keyArn: string; version: number; patch: MaterialUpdate }>;
  remove?: Array<{ keyArn: string; version: number }>;
  keys?: Array<{ arn: string; patch: KeyUpdate }>;
}

/**
 * Repository over the KMS tables. Every method is one query or one transaction; findKey and
 * findAlias answer from a short-lived cache (recent-cache.ts) that every write here invalidates.
 */
export class KeyStore {
  private readonly recentKeys: RecentCache<KeyRow>;
  private readonly recentAliases: RecentCache<AliasRow>;

  /**
   * `cacheTtlMs`: how long findKey and findAlias may answer from the cache (default one second). A
   * cluster passes 0: another node's DisableKey or alias change must be seen at once.
   */
  constructor(private readonly db: Db, readonly changes = new ChangeCounter(), cacheTtlMs?: number) {
    this.recentKeys = new RecentCache(changes, cacheTtlMs);
    this.recentAliases = new RecentCache(changes, cacheTtlMs);
  }

  /** Inserts a key with its materials (none while PendingImport; a replica's copies) and tags, atomically. */
  async insertKey(key: KeyRow, materials: MaterialRow[], tags: Array<{ key: string; value: string }>): Promise<void> {
    await this.changes.count(this.db.transaction().execute(async (tx) => {
      await tx.insertInto('kms_keys').values(key).execute();
      if (materials.length) await tx.insertInto('kms_key_materials').values(materials).execute();
      if (tags.length) {
        await tx.insertInto('kms_tags').values(tags.map((t) => ({ key_arn: key.arn, tag_key: t.key, tag_value: t.value }))).execute();
      }
    }));
  }

  /**
   * Inserts a key, its material and an alias to it, atomically; false (nothing written) if the
   * alias name is already taken, e.g. by a racing first use of an AWS managed key.
   */
  async insertKeyWithAlias(key: KeyRow, material: MaterialRow, alias: AliasRow): Promise<boolean> {
    return this.changes.count(this.db.transaction().execute(async (tx) => {
      const taken = await tx.selectFrom('kms_aliases').select('alias_name')
        .where('account_id', '=', alias.account_id).where('region', '=', alias.region).where('alias_name', '=', alias.alias_name)
        .executeTakeFirst();
      if (taken) return false;
      await tx.insertInto('kms_keys').values(key).execute();
      await tx.insertInto('kms_key_materials').values(material).execute();
      await tx.insertInto('kms_aliases').values(alias).execute();
      return true;
    }));
  }

  /** A key by account, Region and key id (cached briefly: see the class comment). */
  async findKey(accountId: string, region: string, keyId: string): Promise<KeyRow | undefined> {
    return this.recentKeys.get(`${accountId}/${region}/${keyId}`, () => this.db.selectFrom('kms_keys').selectAll()
      .where('account_id', '=', accountId).where('region', '=', region).where('key_id', '=', keyId)
      .executeTakeFirst());
  }

  /** A key by ARN, always read from the store (for read-modify-write sequences). */
  async findKeyByArn(arn: string): Promise<KeyRow | undefined> {
    return this.db.selectFrom('kms_keys').selectAll().where('arn', '=', arn).executeTakeFirst();
  }

  /** Keys of an account and Region in key-id order, starting after `afterKeyId`. */
  async listKeys(accountId: string, region: string, afterKeyId: string | undefined, limit: number): Promise<KeyRow[]> {
    let q = this.db.selectFrom('kms_keys').selectAll()
      .where('account_id', '=', accountId).where('region', '=', region);
    if (afterKeyId !== undefined) q = q.where('key_id', '>', afterKeyId);
    return q.orderBy('key_id').limit(limit).execute();
  }

  /** Every Region's copy of a multi-Region key (the primary and its replicas). */
  async multiRegionSet(accountId: string, keyId: string): Promise<KeyRow[]> {
    return this.db.selectFrom('kms_keys').selectAll()
      .where('account_id', '=', accountId).where('key_id', '=', keyId).orderBy('region').execute();
  }

  async updateKey(arn: string, patch: KeyUpdate): Promise<void> {
    await this.changes.count(this.db.updateTable('kms_keys').set(patch).where('arn', '=', arn).execute());
  }

  async material(keyArn: string, version: number): Promise<MaterialRow | undefined> {
    return this.db.selectFrom('kms_key_materials').selectAll()
      .where('key_arn', '=', keyArn).where('version', '=', version).executeTakeFirst();
  }

  /** Every material of a key, oldest first. */
  async materials(keyArn: string): Promise<MaterialRow[]> {
    return this.db.selectFrom('kms_key_materials').selectAll().where('key_arn', '=', keyArn).orderBy('version').execute();
  }

  /** Inserts, updates and removes materials and updates keys, in one transaction. */
  async writeMaterials(change: MaterialChange): Promise<void> {
    await this.changes.count(this.db.transaction().execute(async (tx) => {
      for (const r of change.remove ?? []) {
        await tx.deleteFrom('kms_key_materials').where('key_arn', '=', r.keyArn).where('version', '=', r.version).execute();
      }
      if (change.insert?.length) await tx.insertInto('kms_key_materials').values(change.insert).execute();
      for (const u of change.update ?? []) {
        await tx.updateTable('kms_key_materials').set(u.patch).where('key_arn', '=', u.keyArn).where('version', '=', u.version).execute();
      }
      for (const k of change.keys ?? []) await tx.updateTable('kms_keys').set(k.patch).where('arn', '=', k.arn).execute();
    }));
  }

  /** Keys whose automatic rotation is due: Enabled primaries (or single-Region keys) only; a rotation reaches every replica. */
  async dueForRotation(now: string): Promise<KeyRow[]> {
    return this.db.selectFrom('kms_keys').selectAll()
      .where('next_rotation_date', '<=', now).where('key_state', '=', 'Enabled')
      .where((eb) => eb.or([eb('multi_region', '=', 0), eb('region', '=', eb.ref('primary_region'))]))
      .execute();
  }

  /** Imported materials whose ValidTo has passed and that are still present. */
  async expiredMaterials(now: string): Promise<MaterialRow[]> {
    return this.db.selectFrom('kms_key_materials').selectAll()
      .where('expires_at', '<=', now).where('material_sealed', 'is not', null).execute();
  }

  /** Keys whose deletion date is at or before `now` (ISO-8601). */
  async dueForDeletion(now: string): Promise<KeyRow[]> {
    return this.db.selectFrom('kms_keys').selectAll()
      .where('key_state', '=', 'PendingDeletion').where('deletion_date', '<=', now).execute();
  }

  /**
   * Destroys a key: grants, tags, aliases, materials and the key row, in one transaction. Re-checks the
   * state inside it, so a CancelKeyDeletion that won the race keeps its key. True if deleted.
   */
  async deleteKeyIfPending(arn: string, now: string): Promise<boolean> {
    return this.changes.count(this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('kms_keys').select(['key_state', 'deletion_date']).where('arn', '=', arn).executeTakeFirst();
      if (!row || row.key_state !== 'PendingDeletion' || row.deletion_date === null || row.deletion_date > now) return false;
      await tx.deleteFrom('kms_grants').where('key_arn', '=', arn).execute();
      await tx.deleteFrom('kms_tags').where('key_arn', '=', arn).execute();
      await tx.deleteFrom('kms_aliases').where('target_key_arn', '=', arn).execute();
      await tx.deleteFrom('kms_key_materials').where('key_arn', '=', arn).execute();
      await tx.deleteFrom('kms_keys').where('arn', '=', arn).execute();
      return true;
    }));
  }

  // ---- aliases ----

  /** An alias (cached briefly: see the class comment). */
  async findAlias(accountId: string, region: string, aliasName: string): Promise<AliasRow | undefined> {
    return this.recentAliases.get(`${accountId}/${region}/${aliasName}`, () => this.db.selectFrom('kms_aliases').selectAll()
      .where('account_id', '=', accountId).where('region', '=', region).where('alias_name', '=', aliasName)
      .executeTakeFirst());
  }

  /** Aliases of an account and Region (optionally only those of one key), in name order. */
  async listAliases(accountId: string, region: string, targetKeyArn?: string): Promise<AliasRow[]> {
    let q = this.db.selectFrom('kms_aliases').selectAll().where('account_id', '=', accountId).where('region', '=', region);
    if (targetKeyArn !== undefined) q = q.where('target_key_arn', '=', targetKeyArn);
    return q.orderBy('alias_name').execute();
  }

  /** Inserts an alias; false if the name is taken (the primary key decides, so two racing creates can't both win). */
  async insertAlias(alias: AliasRow): Promise<boolean> {
    const result = await this.changes.count(this.db.insertInto('kms_aliases').values(alias)
      .onConflict((oc) => oc.columns(['account_id', 'region', 'alias_name']).doNothing())
      .executeTakeFirst());
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async retargetAlias(accountId: string, region: string, aliasName: string, targetKeyArn: string, now: string): Promise<void> {
    await this.changes.count(this.db.updateTable('kms_aliases').set({ target_key_arn: targetKeyArn, updated_at: now })
      .where('account_id', '=', accountId).where('region', '=', region).where('alias_name', '=', aliasName).execute());
  }

  async deleteAlias(accountId: string, region: string, aliasName: string): Promise<void> {
    await this.changes.count(this.db.deleteFrom('kms_aliases')
      .where('account_id', '=', accountId).where('region', '=', region).where('alias_name', '=', aliasName).execute());
  }

  // ---- tags ----

  async tags(keyArn: string): Promise<Array<{ key: string; value: string }>> {
    const rows = await this.db.selectFrom('kms_tags').select(['tag_key', 'tag_value']).where('key_arn', '=', keyArn).orderBy('tag_key').execute();
    return rows.map((r) => ({ key: r.tag_key, value: r.tag_value }));
  }

  /** Adds or overwrites tags, refusing (false, nothing written) if the key would end up with more than `max`. */
  async putTags(keyArn: string, tags: Array<{ key: string; value: string }>, max: number): Promise<boolean> {
    return this.changes.count(this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('kms_tags').select('tag_key').where('key_arn', '=', keyArn).execute();
      const keys = new Set(existing.map((r) => r.tag_key));
      for (const t of tags) keys.add(t.key);
      if (keys.size > max) return false;
      for (const t of tags) {
        await tx.insertInto('kms_tags').values({ key_arn: keyArn, tag_key: t.key, tag_value: t.value })
          .onConflict((oc) => oc.columns(['key_arn', 'tag_key']).doUpdateSet({ tag_value: t.value }))
          .execute();
      }
      return true;
    }));
  }

  async removeTags(keyArn: string, tagKeys: string[]): Promise<void> {
    if (!tagKeys.length) return;
    await this.changes.count(this.db.deleteFrom('kms_tags').where('key_arn', '=', keyArn).where('tag_key', 'in', tagKeys).execute());
  }

  /** Records the last successful cryptographic use of keys (batched by the usage tracker). */
  async recordUsage(entries: Array<{ arn: string; at: string; operation: string; requestId: string }>): Promise<void> {
    if (!entries.length) return;
    await this.changes.count(this.db.transaction().execute(async (tx) => {
      for (const e of entries) {
        await tx.updateTable('kms_keys')
          .set({ last_used_at: e.at, last_used_operation: e.operation, last_used_request_id: e.requestId })
          .where('arn', '=', e.arn).execute();
      }
    }));
  }
}
