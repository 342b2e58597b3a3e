/** Tags of every EC2 resource, and the account-and-Region scope every store works in. */
import type { Selectable, Transaction } from 'kysely';
import type { Database, Db } from '../../store/database.js';
import type { Ec2TagsTable } from './tables.js';

/** Where EC2 keeps a resource: an account, in a Region. */
export interface Scope {
  accountId: string;
  region: string;
}

export type TagRow = Selectable<Ec2TagsTable>;
export interface TagPair {
  Key: string;
  Value: string;
}

/** Writes tags inside a caller's transaction (resources created with TagSpecifications). */
export async function insertTags(tx: Transaction<Database>, scope: Scope, resourceId: string, resourceType: string, tags: readonly TagPair[]): Promise<void> {
  if (!tags.length) return;
  await tx.insertInto('ec2_tags').values(tags.map((t) => ({
    account_id: scope.accountId, region: scope.region, resource_id: resourceId, resource_type: resourceType, tag_key: t.Key, tag_value: t.Value,
  }))).execute();
}

/** Removes every tag of the given resources inside a caller's transaction (the resources are going). */
export async function deleteTagsOf(tx: Transaction<Database>, scope: Scope, resourceIds: readonly string[]): Promise<void> {
  if (!resourceIds.length) return;
  await tx.deleteFrom('ec2_tags').where('account_id', '=', scope.accountId).where('region', '=', scope.region)
    .where('resource_id', 'in', resourceIds).execute();
}

export class TagStore {
  constructor(private readonly db: Db) {}

  /** Tags of an account's Region, optionally only those of some resources. */
  async list(scope: Scope, resourceIds?: readonly string[]): Promise<TagRow[]> {
    if (resourceIds && !resourceIds.length) return [];
    let q = this.db.selectFrom('ec2_tags').selectAll().where('account_id', '=', scope.accountId).where('region', '=', scope.region);
    if (resourceIds) q = q.where('resource_id', 'in', resourceIds);
    return q.orderBy('resource_id').orderBy('tag_key').execute();
  }

  /** Resource id -> its tags as EC2 lists them (by key). */
  async byResource(scope: Scope, resourceIds?: readonly string[]): Promise<Map<string, TagPair[]>> {
    const out = new Map<string, TagPair[]>();
    for (const row of await this.list(scope, resourceIds)) {
      const list = out.get(row.resource_id) ?? [];
      list.push({ Key: row.tag_key, Value: row.tag_value });
      out.set(row.resource_id, list);
    }
    return out;
  }

  /**
   * Adds or overwrites tags on resources; refuses (false, nothing written) if a resource would end
   * up with more than `max` tags.
   */
  async put(scope: Scope, resources: ReadonlyArray<{ id: string; type: string }>, tags: readonly TagPair[], max: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      for (const r of resources) {
        const existing = await tx.selectFrom('ec2_tags').select('tag_key')
          .where('account_id', '=', scope.accountId).where('region', '=', scope.region).where('resource_id', '=', r.id).execute();
        const keys = new Set(existing.map((e) => e.tag_key));
        for (const t of tags) keys.add(t.Key);
        if (keys.size > max) return false;
      }
      for (const r of resources) {
        for (const t of tags) {
          await tx.insertInto('ec2_tags')
            .values({ account_id: scope.accountId, region: scope.region, resource_id: r.id, resource_type: r.type, tag_key: t.Key, tag_value: t.Value })
            .onConflict((oc) => oc.columns(['account_id', 'region', 'resource_id', 'tag_key']).doUpdateSet({ tag_value: t.Value }))
            .execute();
        }
      }
      return true;
    });
  }

  /** Deletes tags: all of a resource's, or those named (a given value must match too). */
  async delete(scope: Scope, resourceIds: readonly string[], tags: ReadonlyArray<{ Key: string; Value?: string }> | undefined): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (!tags) return deleteTagsOf(tx, scope, resourceIds);
      for (const t of tags) {
        let q = tx.deleteFrom('ec2_tags').where('account_id', '=', scope.accountId).where('region', '=', scope.region)
          .where('resource_id', 'in', resourceIds).where('tag_key', '=', t.Key);
        if (t.Value !== undefined) q = q.where('tag_value', '=', t.Value);
        await q.execute();
      }
    });
  }
}

