/** TagResource, UntagResource, ListResourceTags, and the tag rules CreateKey shares. */
import type {
  ListResourceTagsRequest, ListResourceTagsResponse, Tag, TagResourceRequest, UntagResourceRequest,
} from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { tagError } from '../errors.js';
import { requireNotPendingDeletion, resolveKey, type KmsDeps } from '../key-lookup.js';
import { paginate } from '../pagination.js';

/** AWS's per-key tag quota. */
export const MAX_TAGS = 50;

/** Checks a request's tags: AWS's TagException texts for duplicates, reserved `aws:` keys and count. */
export function validateTags(tags: Tag[] | undefined): Array<{ key: string; value: string }> {
  const list = tags ?? [];
  const keys = new Set<string>();
  for (const t of list) {
    if (keys.has(t.TagKey)) throw tagError('Duplicate tag keys');
    keys.add(t.TagKey);
  }
  if (list.some((t) => t.TagKey.toLowerCase().startsWith('aws:'))) throw tagError('Tags beginning with aws: are reserved');
  if (list.length > MAX_TAGS) throw tagError('Too many tags');
  return list.map((t) => ({ key: t.TagKey, value: t.TagValue }));
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_TagResource.html */
export async function tagResource(deps: KmsDeps, ctx: RequestContext, input: TagResourceRequest): Promise<void> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  requireNotPendingDeletion(key);
  const tags = validateTags(input.Tags);
  if (!(await deps.store.putTags(key.arn, tags, MAX_TAGS))) throw tagError('Too many tags');
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_UntagResource.html */
export async function untagResource(deps: KmsDeps, ctx: RequestContext, input: UntagResourceRequest): Promise<void> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  requireNotPendingDeletion(key);
  await deps.store.removeTags(key.arn, input.TagKeys);
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ListResourceTags.html */
export async function listResourceTags(deps: KmsDeps, ctx: RequestContext, input: ListResourceTagsRequest): Promise<ListResourceTagsResponse> {
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  const { page, ...rest } = paginate(await deps.store.tags(key.arn), (t) => t.key, input.Marker, Math.min(input.Limit ?? 50, 50));
  return { Tags: page.map((t) => ({ TagKey: t.key, TagValue: t.value })), ...rest };
}
