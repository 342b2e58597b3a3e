/** Tags on EC2 resources: TagSpecifications at creation, CreateTags, DeleteTags, DescribeTags. */
import type { RequestContext } from '../../../server/context.js';
import { AwsError } from '../../../errors.js';
import type {
  CreateTagsRequest, DeleteTagsRequest, DescribeTagsRequest, DescribeTagsResult, ResourceType, TagDescription, TagSpecification,
} from '../../../generated/ec2/shapes.js';
import { scopeOf, type Ec2Deps } from '../deps.js';
import {
  dryRunIfAsked, groupNotFound, instancesNotFound, invalidValue, ruleNotFound, snapshotNotFound, subnetNotFound, volumeNotFound, vpcNotFound,
} from '../errors.js';
import { compileFilters } from '../filters.js';
import { ID_KINDS, taggableKindOf, type IdKind } from '../ids.js';
import { paginate } from '../paging.js';
import type { Scope, TagPair } from '../store.js';

/** EC2's limit of tags per resource. */
const MAX_TAGS = 50;

/** Validates tags as EC2 does: `aws:` keys are AWS's, keys up to 127 and values up to 255 characters. */
export function checkTags(tags: ReadonlyArray<{ Key?: string; Value?: string }>): TagPair[] {
  return tags.map((t) => {
    const key = t.Key ?? '';
    const value = t.Value ?? '';
    if (key.toLowerCase().startsWith('aws:')) throw invalidValue("Tag keys starting with 'aws:' are reserved for internal use");
    // EC2's wording for these two limits was not found; the limits themselves are documented.
    if (key.length < 1 || key.length > 127) throw invalidValue(`Tag key must be between 1 and 127 characters long: '${key}'`);
    if (value.length > 255) throw invalidValue(`Tag value must be no longer than 255 characters (key '${key}')`);
    return { Key: key, Value: value };
  });
}

/**
 * The tags a create call asks for on one resource type. A specification of a type the operation
 * cannot tag is refused; specifications of its other types are left to the caller.
 */
export function tagsFromSpecifications(specs: readonly TagSpecification[] | undefined, type: ResourceType, allowed: readonly ResourceType[]): TagPair[] {
  const out: TagPair[] = [];
  for (const spec of specs ?? []) {
    const rt = spec.ResourceType ?? '';
    if (!allowed.includes(rt as ResourceType)) throw invalidValue(`'${rt}' is not a valid taggable resource type for this operation.`);
    if (rt === type) out.push(...checkTags(spec.Tags ?? []));
  }
  return out;
}

/** Checks that every id names an existing resource of the caller's Region; returns them typed. */
async function resolveResources(deps: Ec2Deps, scope: Scope, ids: readonly string[]): Promise<Array<{ id: string; type: string }>> {
  const out: Array<{ id: string; type: string }> = [];
  for (const id of ids) {
    const kind = taggableKindOf(id);
    if (!kind) throw new AwsError('InvalidID', `The ID '${id}' is not valid`, { status: 400 });
    if (!(await exists(deps, scope, kind, id))) throw notFound(kind, id);
    out.push({ id, type: ID_KINDS[kind].resourceType });
  }
  return out;
}

async function exists(deps: Ec2Deps, scope: Scope, kind: IdKind, id: string): Promise<boolean> {
  const { store } = deps;
  switch (kind) {
    case 'instance': return (await store.instances.list(scope)).some((i) => i.instance_id === id);
    case 'group': return (await store.groups.get(scope, id)) !== undefined;
    case 'rule': return (await store.groups.rules(scope)).some((r) => r.rule_id === id);
    case 'volume': return (await store.ebs.volume(scope, id)) !== undefined;
    case 'snapshot': return (await store.ebs.visibleSnapshots(scope)).some((s) => s.snapshot_id === id && s.account_id === scope.accountId);
    case 'vpc': return (await store.network.vpc(scope, id)) !== undefined;
    case 'subnet': return (await store.network.subnet(scope, id)) !== undefined;
    default: return false;
  }
}

function notFound(kind: IdKind, id: string): AwsError {
  switch (kind) {
    case 'instance': return instancesNotFound([id]);
    case 'group': return groupNotFound(id);
    case 'rule': return ruleNotFound(id);
    case 'volume': return volumeNotFound(id);
    case 'snapshot': return snapshotNotFound(id);
    case 'vpc': return vpcNotFound(id);
    default: return subnetNotFound(id);
  }
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html */
export async function createTags(deps: Ec2Deps, ctx: RequestContext, input: CreateTagsRequest): Promise<void> {
  dryRunIfAsked(input);
  const tags = checkTags(input.Tags);
  const scope = scopeOf(ctx);
  const resources = await resolveResources(deps, scope, input.Resources);
  if (!(await deps.store.tags.put(scope, resources, tags, MAX_TAGS))) {
    // EC2's wording was not found; the code and the limit are documented.
    throw new AwsError('TagLimitExceeded', `The maximum number of tags (${MAX_TAGS}) for a resource has been reached.`, { status: 400 });
  }
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTags.html */
export async function deleteTags(deps: Ec2Deps, ctx: RequestContext, input: DeleteTagsRequest): Promise<void> {
  dryRunIfAsked(input);
  const scope = scopeOf(ctx);
  await resolveResources(deps, scope, input.Resources);
  const tags = input.Tags?.map((t) => ({ Key: t.Key ?? '', Value: t.Value }));
  await deps.store.tags.delete(scope, input.Resources, tags);
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeTags.html */
export async function describeTags(deps: Ec2Deps, ctx: RequestContext, input: DescribeTagsRequest): Promise<DescribeTagsResult> {
  dryRunIfAsked(input);
  const matches = compileFilters(input.Filters, ['key', 'value', 'resource-id', 'resource-type']);
  const rows = await deps.store.tags.list(scopeOf(ctx));
  const descriptions: TagDescription[] = rows
    .map((r) => ({ ResourceId: r.resource_id, ResourceType: r.resource_type as ResourceType, Key: r.tag_key, Value: r.tag_value }))
    .filter((d) => matches({
      fields: { key: [d.Key], value: [d.Value], 'resource-id': [d.ResourceId], 'resource-type': [d.ResourceType] },
      tags: [{ Key: d.Key, Value: d.Value }],
    }));
  const page = paginate(descriptions, (d) => `${d.ResourceId}\u0000${d.Key}`, input.MaxResults, input.NextToken);
  return { Tags: page.items, NextToken: page.nextToken };
}
