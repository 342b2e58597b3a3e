/**
 * Tags on users, roles, customer managed policies and virtual MFA devices: at most 50 per
 * resource; keys unique per resource, case-sensitively (AWS keeps `a` and `A` apart).
 */
import { AwsError } from '../../errors.js';
import type { Tag } from '../../generated/iam/shapes.js';
import type { Db } from '../../store/database.js';
import { iamErrors } from './errors.js';
import type { TaggedType } from './tables.js';

const MAX_TAGS = 50;

/** Rejects a tag list with a key twice (InvalidInput, AWS's text). */
export function checkTags(tags: Tag[] | undefined): void {
  if (!tags) return;
  const keys = new Set<string>();
  for (const tag of tags) {
    if (keys.has(tag.Key)) throw iamErrors.invalidInput('Duplicate tag keys found.');
    keys.add(tag.Key);
  }
}

/** The resource's tags, ordered by key. */
export async function readTags(db: Db, type: TaggedType, id: string): Promise<Tag[]> {
  const rows = await db.selectFrom('iam_tags').select(['tag_key', 'tag_value'])
    .where('resource_type', '=', type).where('resource_id', '=', id).orderBy('tag_key').execute();
  return rows.map((r) => ({ Key: r.tag_key, Value: r.tag_value }));
}

/**
 * Adds or overwrites tags (TagUser semantics), enforcing the per-resource limit. Run it inside
 * the caller's transaction so a refused tag list leaves nothing behind.
 */
export async function writeTags(db: Db, accountId: string, type: TaggedType, id: string, tags: Tag[] | undefined): Promise<void> {
  if (!tags?.length) return;
  checkTags(tags);
  for (const tag of tags) {
    await db.insertInto('iam_tags')
      .values({ account_id: accountId, resource_type: type, resource_id: id, tag_key: tag.Key, tag_value: tag.Value })
      .onConflict((oc) => oc.columns(['resource_type', 'resource_id', 'tag_key']).doUpdateSet({ tag_value: tag.Value }))
      .execute();
  }
  const { n } = await db.selectFrom('iam_tags').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('resource_type', '=', type).where('resource_id', '=', id).executeTakeFirstOrThrow();
  if (Number(n) > MAX_TAGS) throw new AwsError('LimitExceeded', 'The number of tags has reached the maximum limit.');
}

export async function deleteTags(db: Db, type: TaggedType, id: string, keys?: string[]): Promise<void> {
  let q = db.deleteFrom('iam_tags').where('resource_type', '=', type).where('resource_id', '=', id);
  if (keys) {
    if (keys.length === 0) return;
    q = q.where('tag_key', 'in', keys);
  }
  await q.execute();
}

