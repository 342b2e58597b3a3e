/**
 * Security groups: CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups,
 * DescribeSecurityGroupRules, Authorize/RevokeSecurityGroupIngress and Egress.
 */
import type { RequestContext } from '../../../server/context.js';
import { AwsError } from '../../../errors.js';
import type {
  AuthorizeSecurityGroupEgressRequest, AuthorizeSecurityGroupEgressResult, AuthorizeSecurityGroupIngressRequest, CreateSecurityGroupRequest,
  CreateSecurityGroupResult, DeleteSecurityGroupRequest, DeleteSecurityGroupResult, DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupRulesResult, DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult, RevokeSecurityGroupEgressRequest,
  RevokeSecurityGroupEgressResult, SecurityGroup,
} from '../../../generated/ec2/shapes.js';
import { ec2Arn, scopeOf, type Ec2Deps } from '../deps.js';
import { dryRunIfAsked, groupNameNotFound, groupNotFound, invalidValue, missing, ruleNotFound, vpcNotFound } from '../errors.js';
import { compileFilters } from '../filters.js';
import { checkIds, newId } from '../ids.js';
import { paginate } from '../paging.js';
import type { GroupRow, RuleRow } from '../store-network.js';
import {
  duplicateMessage, expandPermissions, ipPermissions, permissionsOf, revokedView, ruleView, sameRule, type GroupLookup, type NewRule,
} from './sg-rules.js';
import { tagsFromSpecifications } from './tags.js';
import { defaultVpc } from './vpcs.js';

/** AWS's default quota of inbound (and of outbound) rules per security group. */
const MAX_RULES_PER_DIRECTION = 60;

/** The group a request names by GroupId, or by GroupName in the default VPC. */
async function resolveGroup(deps: Ec2Deps, ctx: RequestContext, groupId: string | undefined, groupName: string | undefined): Promise<GroupRow> {
  if (groupId !== undefined) {
    checkIds('group', [groupId]);
    const group = await deps.store.groups.get(scopeOf(ctx), groupId);
    if (!group) throw groupNotFound(groupId);
    return group;
  }
  if (groupName === undefined) throw missing('The request must contain the parameter groupName or groupId');
  const vpc = await defaultVpc(deps, ctx);
  const group = await deps.store.groups.byName(vpc.vpc_id, groupName);
  if (!group) throw groupNameNotFound(groupName, vpc.vpc_id);
  return group;
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html */
export async function createSecurityGroup(deps: Ec2Deps, ctx: RequestContext, input: CreateSecurityGroupRequest): Promise<CreateSecurityGroupResult> {
  dryRunIfAsked(input);
  if (input.GroupName.toLowerCase().startsWith('sg-')) throw invalidValue('Group names may not be in the format sg-*.');
  // EC2's wording for over-long names and descriptions was not found; the 255-character limits are documented.
  if (input.GroupName.length < 1 || input.GroupName.length > 255) throw invalidValue('Group name must be between 1 and 255 characters long.');
  if (input.Description.length > 255) throw invalidValue('Group description must be no longer than 255 characters.');
  const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group', ['security-group']);
  const scope = scopeOf(ctx);
  const vpc = input.VpcId === undefined ? await defaultVpc(deps, ctx) : await deps.store.network.vpc(scope, input.VpcId);
  if (!vpc) throw vpcNotFound(input.VpcId!);
  const now = deps.clock.now().toISOString();
  const groupId = newId('group');
  const group: GroupRow = { group_id: groupId, account_id: scope.accountId, region: scope.region, vpc_id: vpc.vpc_id, group_name: input.GroupName, description: input.Description, created_at: now };
  // A new VPC security group allows all outbound IPv4 traffic, and nothing inbound.
  const egress: RuleRow = {
    rule_id: newId('rule'), group_id: groupId, account_id: scope.accountId, region: scope.region, is_egress: 1, ip_protocol: '-1', from_port: null,
    to_port: null, cidr_ipv4: '0.0.0.0/0', cidr_ipv6: null, prefix_list_id: null, referenced_group_id: null, referenced_user_id: null,
    description: null, position: 0, created_at: now,
  };
  if (!(await deps.store.groups.insert(scope, group, [egress], tags))) {
    throw new AwsError('InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists for VPC '${vpc.vpc_id}'`, { status: 400 });
  }
  return { GroupId: groupId, SecurityGroupArn: ec2Arn(scope, `security-group/${groupId}`), Tags: tags.length ? tags : undefined };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html */
export async function deleteSecurityGroup(deps: Ec2Deps, ctx: RequestContext, input: DeleteSecurityGroupRequest): Promise<DeleteSecurityGroupResult> {
  dryRunIfAsked(input);
  const group = await resolveGroup(deps, ctx, input.GroupId, input.GroupName);
  if (group.group_name === 'default') {
    throw new AwsError('CannotDelete', `the specified group: "${group.group_id}" name: "default" cannot be deleted by a user`, { status: 400 });
  }
  const dependents = await deps.store.groups.dependents(group.group_id);
  if (dependents.instances || dependents.referencingRules) {
    throw new AwsError('DependencyViolation', `resource ${group.group_id} has a dependent object`, { status: 400 });
  }
  await deps.store.groups.delete(scopeOf(ctx), group.group_id);
  return { Return: true, GroupId: group.group_id };
}

const PERMISSION_FILTERS = ['cidr', 'ipv6-cidr', 'from-port', 'to-port', 'protocol', 'group-id', 'group-name', 'prefix-list-id', 'user-id'];
const GROUP_FILTERS = ['description', 'group-id', 'group-name', 'owner-id', 'vpc-id',
  ...PERMISSION_FILTERS.map((f) => `ip-permission.${f}`), ...PERMISSION_FILTERS.map((f) => `egress.ip-permission.${f}`)];

/** The `ip-permission.*` filter fields of a set of rules (one direction). */
function permissionFields(prefix: string, rules: readonly RuleRow[], names: ReadonlyMap<string, string>): Record<string, unknown[]> {
  return {
    [`${prefix}cidr`]: rules.map((r) => r.cidr_ipv4), [`${prefix}ipv6-cidr`]: rules.map((r) => r.cidr_ipv6),
    [`${prefix}from-port`]: rules.map((r) => r.from_port), [`${prefix}to-port`]: rules.map((r) => r.to_port),
    [`${prefix}protocol`]: rules.map((r) => r.ip_protocol), [`${prefix}group-id`]: rules.map((r) => r.referenced_group_id),
    [`${prefix}group-name`]: rules.map((r) => (r.referenced_group_id ? names.get(r.referenced_group_id) : null)),
    [`${prefix}prefix-list-id`]: rules.map((r) => r.prefix_list_id), [`${prefix}user-id`]: rules.map((r) => r.referenced_user_id),
  };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html */
export async function describeSecurityGroups(deps: Ec2Deps, ctx: RequestContext, input: DescribeSecurityGroupsRequest): Promise<DescribeSecurityGroupsResult> {
  dryRunIfAsked(input);
  checkIds('group', input.GroupIds);
  const matches = compileFilters(input.Filters, GROUP_FILTERS);
  const scope = scopeOf(ctx);
  const vpc = await defaultVpc(deps, ctx);
  const groups = await deps.store.groups.list(scope);
  const missingId = (input.GroupIds ?? []).find((id) => !groups.some((g) => g.group_id === id));
  if (missingId) throw groupNotFound(missingId);
  const missingName = (input.GroupNames ?? []).find((n) => !groups.some((g) => g.vpc_id === vpc.vpc_id && g.group_name === n));
  if (missingName !== undefined) throw groupNameNotFound(missingName, vpc.vpc_id);
  const selected = groups.filter((g) => (!input.GroupIds?.length || input.GroupIds.includes(g.group_id))
    && (!input.GroupNames?.length || (g.vpc_id === vpc.vpc_id && input.GroupNames.includes(g.group_name))));
  const rules = await deps.store.groups.rules(scope, selected.map((g) => g.group_id));
  const tags = await deps.store.tags.byResource(scope, selected.map((g) => g.group_id));
  const names = new Map(groups.map((g) => [g.group_id, g.group_name]));
  const views = selected.flatMap((g) => {
    const ingress = rules.filter((r) => r.group_id === g.group_id && r.is_egress === 0);
    const egress = rules.filter((r) => r.group_id === g.group_id && r.is_egress === 1);
    const view: SecurityGroup = {
      GroupId: g.group_id, GroupName: g.group_name, Description: g.description, VpcId: g.vpc_id, OwnerId: g.account_id,
      SecurityGroupArn: ec2Arn(scope, `security-group/${g.group_id}`), IpPermissions: ipPermissions(ingress), IpPermissionsEgress: ipPermissions(egress),
      Tags: tags.get(g.group_id) ?? [],
    };
    const fields = {
      description: [g.description], 'group-id': [g.group_id], 'group-name': [g.group_name], 'owner-id': [g.account_id], 'vpc-id': [g.vpc_id],
      ...permissionFields('ip-permission.', ingress, names), ...permissionFields('egress.ip-permission.', egress, names),
    } as Record<string, Array<string | number | null>>;
    return matches({ fields, tags: view.Tags }) ? [{ key: `${g.created_at}|${g.group_id}`, view }] : [];
  });
  const page = paginate(views, (v) => v.key, input.MaxResults, input.NextToken);
  return { SecurityGroups: page.items.map((v) => v.view), NextToken: page.nextToken };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroupRules.html */
export async function describeSecurityGroupRules(deps: Ec2Deps, ctx: RequestContext, input: DescribeSecurityGroupRulesRequest):
  Promise<DescribeSecurityGroupRulesResult> {
  dryRunIfAsked(input);
  checkIds('rule', input.SecurityGroupRuleIds);
  const matches = compileFilters(input.Filters, ['group-id', 'security-group-rule-id']);
  const scope = scopeOf(ctx);
  await defaultVpc(deps, ctx);
  const rules = await deps.store.groups.rules(scope);
  const missingId = (input.SecurityGroupRuleIds ?? []).find((id) => !rules.some((r) => r.rule_id === id));
  if (missingId) throw ruleNotFound(missingId);
  const tags = await deps.store.tags.byResource(scope, rules.map((r) => r.rule_id));
  const selected = rules.filter((r) => (!input.SecurityGroupRuleIds?.length || input.SecurityGroupRuleIds.includes(r.rule_id))
    && matches({ fields: { 'group-id': [r.group_id], 'security-group-rule-id': [r.rule_id] }, tags: tags.get(r.rule_id) }));
  const page = paginate(selected, (r) => `${r.group_id}|${String(r.position).padStart(6, '0')}`, input.MaxResults, input.NextToken);
  return { SecurityGroupRules: page.items.map((r) => ruleView(scope, r, tags.get(r.rule_id))), NextToken: page.nextToken };
}

/** Referenced groups: by id in the Region, or by name in the target group's VPC. */
function lookupIn(deps: Ec2Deps, ctx: RequestContext, target: GroupRow): GroupLookup {
  return async (ref) => (ref.GroupId !== undefined
    ? deps.store.groups.get(scopeOf(ctx), ref.GroupId)
    : ref.GroupName !== undefined ? deps.store.groups.byName(target.vpc_id, ref.GroupName) : undefined);
}

type RuleChange = Omit<AuthorizeSecurityGroupIngressRequest, 'GroupId'> & { GroupId?: string };

async function authorize(deps: Ec2Deps, ctx: RequestContext, input: RuleChange, isEgress: boolean): Promise<AuthorizeSecurityGroupEgressResult> {
  dryRunIfAsked(input);
  const group = await resolveGroup(deps, ctx, input.GroupId, input.GroupName);
  const scope = scopeOf(ctx);
  const rules = await expandPermissions(scope, group, isEgress, permissionsOf(input), deps.clock.now().toISOString(), lookupIn(deps, ctx, group));
  const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group-rule', ['security-group-rule']);
  const twice = rules.find((r, i) => rules.findIndex((o) => sameRule(o, r)) !== i);
  if (twice) throw new AwsError('InvalidPermission.Duplicate', duplicateMessage(twice), { status: 400 });
  const result = await deps.store.groups.addRules(scope, group.group_id, rules, tags, sameRule, MAX_RULES_PER_DIRECTION);
  if ('duplicate' in result) throw new AwsError('InvalidPermission.Duplicate', duplicateMessage(result.duplicate), { status: 400 });
  if ('limit' in result) {
    throw new AwsError('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.', { status: 400 });
  }
  return { Return: true, SecurityGroupRules: result.added.map((r) => ruleView(scope, r, tags)) };
}

async function revoke(deps: Ec2Deps, ctx: RequestContext, input: RuleChange & { SecurityGroupRuleIds?: string[] }, isEgress: boolean):
  Promise<RevokeSecurityGroupEgressResult> {
  dryRunIfAsked(input);
  const group = await resolveGroup(deps, ctx, input.GroupId, input.GroupName);
  const scope = scopeOf(ctx);
  const existing = (await deps.store.groups.rules(scope, [group.group_id])).filter((r) => r.is_egress === (isEgress ? 1 : 0));
  let revoked: RuleRow[];
  let unknown: NewRule[] = [];
  if (input.SecurityGroupRuleIds?.length) {
    checkIds('rule', input.SecurityGroupRuleIds);
    const missingId = input.SecurityGroupRuleIds.find((id) => !existing.some((r) => r.rule_id === id));
    if (missingId) throw ruleNotFound(missingId);
    revoked = existing.filter((r) => input.SecurityGroupRuleIds!.includes(r.rule_id));
  } else {
    const wanted = await expandPermissions(scope, group, isEgress, permissionsOf(input), deps.clock.now().toISOString(), lookupIn(deps, ctx, group));
    revoked = existing.filter((r) => wanted.some((w) => sameRule(w, r)));
    unknown = wanted.filter((w) => !existing.some((r) => sameRule(w, r)));
    // A default VPC answers the rules it did not find; any other VPC refuses the whole request.
    const vpc = await deps.store.network.vpc(scope, group.vpc_id);
    if (unknown.length && vpc?.is_default !== 1) {
      throw new AwsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.', { status: 400 });
    }
  }
  await deps.store.groups.deleteRules(scope, revoked.map((r) => r.rule_id));
  return {
    Return: unknown.length === 0, UnknownIpPermissions: unknown.length ? ipPermissions(unknown) : undefined,
    RevokedSecurityGroupRules: revoked.map(revokedView),
  };
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html */
export const authorizeSecurityGroupIngress = (deps: Ec2Deps, ctx: RequestContext, input: AuthorizeSecurityGroupIngressRequest) =>
  authorize(deps, ctx, input, false);
/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupEgress.html */
export const authorizeSecurityGroupEgress = (deps: Ec2Deps, ctx: RequestContext, input: AuthorizeSecurityGroupEgressRequest) =>
  authorize(deps, ctx, input, true);
/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html */
export const revokeSecurityGroupIngress = (deps: Ec2Deps, ctx: RequestContext, input: RuleChange & { SecurityGroupRuleIds?: string[] }) =>
  revoke(deps, ctx, input, false);
/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupEgress.html */
export const revokeSecurityGroupEgress = (deps: Ec2Deps, ctx: RequestContext, input: RevokeSecurityGroupEgressRequest) =>
  revoke(deps, ctx, input, true);
