/** Trail tags: AddTags, RemoveTags, ListTags (trails only: Coffer has no event data stores or channels). */
import type { Kysely } from 'kysely';
import type * as S from '../../../generated/cloudtrail/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import type { Database } from '../../../store/database.js';
import type { CloudTrailDeps } from '../deps.js';
import { trailErrors } from '../errors.js';
import { parseTrailArn } from '../trails-table.js';

/** AWS's limit of tags per trail. */
const MAX_TAGS = 50;

/** Adds or overwrites tags; new keys go after the existing ones. Fails past the limit. */
export async function putTags(db: Kysely<Database>, arn: string, tags: S.Tag[]): Promise<void> {
  const existing = await db.selectFrom('trail_tags').select(['key', 'position']).where('trail_arn', '=', arn).execute();
  const keys = new Set(existing.map((t) => t.key));
  let position = existing.reduce((max, t) => Math.max(max, t.position), -1);
  const fresh = new Set(tags.map((t) => t.Key).filter((k) => !keys.has(k)));
  if (keys.size + fresh.size > MAX_TAGS) throw trailErrors.tooManyTags();
  for (const tag of tags) {
    if (keys.has(tag.Key)) {
      await db.updateTable('trail_tags').set({ value: tag.Value ?? null }).where('trail_arn', '=', arn).where('key', '=', tag.Key).execute();
    } else {
      position += 1;
      keys.add(tag.Key);
      await db.insertInto('trail_tags').values({ trail_arn: arn, key: tag.Key, value: tag.Value ?? null, position }).execute();
    }
  }
}

/** The caller's trail a ResourceId names (tags address trails by ARN only). */
async function taggedTrail(deps: CloudTrailDeps, ctx: RequestContext, resourceId: string): Promise<string> {
  if (!parseTrailArn(resourceId)) throw trailErrors.arnInvalid(resourceId);
  const row = await deps.db.selectFrom('trails').select('arn').where('arn', '=', resourceId).where('account_id', '=', ctx.accountId).executeTakeFirst();
  if (!row) throw trailErrors.resourceNotFound(resourceId);
  return row.arn;
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AddTags.html */
export async function addTags(deps: CloudTrailDeps, ctx: RequestContext, input: S.AddTagsRequest): Promise<S.AddTagsResponse> {
  const arn = await taggedTrail(deps, ctx, input.ResourceId);
  await deps.db.transaction().execute((tx) => putTags(tx, arn, input.TagsList));
  return {};
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_RemoveTags.html */
export async function removeTags(deps: CloudTrailDeps, ctx: RequestContext, input: S.RemoveTagsRequest): Promise<S.RemoveTagsResponse> {
  const arn = await taggedTrail(deps, ctx, input.ResourceId);
  const keys = input.TagsList.map((t) => t.Key);
  if (keys.length > 0) await deps.db.deleteFrom('trail_tags').where('trail_arn', '=', arn).where('key', 'in', keys).execute();
  return {};
}

/** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_ListTags.html */
export async function listTags(deps: CloudTrailDeps, ctx: RequestContext, input: S.ListTagsRequest): Promise<S.ListTagsResponse> {
  const out: S.ResourceTag[] = [];
  for (const id of input.ResourceIdList) {
    const arn = await taggedTrail(deps, ctx, id);
    const tags = await deps.db.selectFrom('trail_tags').select(['key', 'value']).where('trail_arn', '=', arn).orderBy('position').execute();
    out.push({ ResourceId: arn, TagsList: tags.map((t) => (t.value === null ? { Key: t.key } : { Key: t.key, Value: t.value })) });
  }
  return { ResourceTagList: out };
}
