/**
 * The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy, answered by the same
 * `evaluate` the PolicyAuthorizer enforces with, over the same policies (identity, boundary,
 * resource policy) and the principal's own condition keys plus the ContextEntries given.
 * MatchedStatements name the kind of policy that matched (the engine reports sources, not
 * documents), with the statement's Sid as its id when it has one.
 */
import { principalContextKeys } from '../../../authz/context-keys.js';
import { evaluate, type EvaluationResult as EngineResult } from '../../../authz/evaluate.js';
import type { PrincipalPolicies } from '../../../authz/principal-policies.js';
import type { ResourcePolicy } from '../../../authz/types.js';
import type { IamApi } from '../../../generated/iam/api.js';
import type { ContextEntry, EvaluationResult, PolicySourceType } from '../../../generated/iam/shapes.js';
import type { Principal, RequestContext } from '../../../server/context.js';
import { accountOf, nameKey, paginate } from '../common.js';
import type { IamDeps } from '../deps.js';
import { validatePolicyDocument } from '../documents.js';
import { iamErrors } from '../errors.js';
import { groupPolicies, rolePolicies, userPolicies } from '../principal-policies.js';

type SimulateOps = Pick<IamApi, 'simulatePrincipalPolicy' | 'simulateCustomPolicy'>;

const SOURCE_TYPE: Record<string, PolicySourceType> = { identity: 'user', boundary: 'none', session: 'none', resource: 'resource', grant: 'resource' };

/** ContextEntries as condition keys (all values as strings, as the engine reads them). */
function contextOf(entries: ContextEntry[] | undefined): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = {};
  for (const e of entries ?? []) {
    if (!e.ContextKeyName) continue;
    const values = e.ContextKeyValues ?? [];
    keys[e.ContextKeyName] = e.ContextKeyType?.endsWith('List') ? values : (values[0] ?? '');
  }
  return keys;
}

function checkInputs(policies: string[] | undefined): string[] {
  for (const p of policies ?? []) validatePolicyDocument(p, 'identity');
  return policies ?? [];
}

interface Simulation {
  principal: Principal | null;
  policies: PrincipalPolicies;
  actions: string[];
  resources: string[];
  context: Record<string, string | string[]>;
  resourcePolicy?: ResourcePolicy;
}

function run(sim: Simulation): EvaluationResult[] {
  const context = { ...principalContextKeys(sim.principal, sim.policies), ...sim.context };
  const results: EvaluationResult[] = [];
  for (const action of sim.actions) {
    for (const resource of sim.resources) {
      const r: EngineResult = evaluate({
        principal: sim.principal,
        action,
        resource,
        context,
        identity: sim.policies.identity,
        boundary: sim.policies.boundary,
        session: sim.policies.session,
        resourcePolicy: sim.resourcePolicy,
      });
      results.push({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: r.decision,
        MatchedStatements: r.matchedStatements.map((m) => ({ SourcePolicyId: m.sid ?? m.source, SourcePolicyType: SOURCE_TYPE[m.source] ?? 'none' })),
        MissingContextValues: [],
        OrganizationsDecisionDetail: { AllowedByOrganizations: true },
        PermissionsBoundaryDecisionDetail: sim.policies.boundary === undefined ? undefined
          : { AllowedByPermissionsBoundary: !r.matchedStatements.some((m) => m.source === 'boundary' && m.effect === 'Deny') && r.matchedStatements.some((m) => m.source === 'boundary') },
      });
    }
  }
  return results;
}

export function simulateOps(deps: IamDeps): SimulateOps {
  const { db } = deps;

  /** The principal an ARN names and the policies it holds (users, roles, groups of the account). */
  async function source(ctx: RequestContext, arn: string): Promise<{ principal: Principal; policies: PrincipalPolicies }> {
    const m = /^arn:aws:iam::(\d{12}):(user|role|group)(\/.*\/|\/)([^/]+)$/.exec(arn);
    const accountId = accountOf(ctx);
    if (!m || m[1] !== accountId) throw iamErrors.invalidInput(`Invalid ARN: ${arn}`);
    const [, , type, , name] = m as unknown as [string, string, 'user' | 'role' | 'group', string, string];
    if (type === 'user') {
      const row = await db.selectFrom('iam_users').selectAll().where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst();
      if (!row) throw iamErrors.noSuchEntity('user', name);
      return {
        principal: { type: 'IAMUser', accountId, arn: row.arn, principalId: row.user_id, userName: row.user_name },
        policies: (await userPolicies(db, row.user_id))!,
      };
    }
    if (type === 'role') {
      const row = await db.selectFrom('iam_roles').selectAll().where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst();
      if (!row) throw iamErrors.noSuchEntity('role', name);
      return {
        principal: { type: 'AssumedRole', accountId, arn: row.arn, principalId: row.role_id, sessionIssuerArn: row.arn },
        policies: (await rolePolicies(db, row.role_id))!,
      };
    }
    const row = await db.selectFrom('iam_groups').selectAll().where('account_id', '=', accountId).where('name_key', '=', nameKey(name)).executeTakeFirst();
    if (!row) throw iamErrors.noSuchEntity('group', name);
    return { principal: { type: 'IAMUser', accountId, arn: row.arn, principalId: row.group_id }, policies: await groupPolicies(db, row.group_id) };
  }

  function resourcePolicyOf(ctx: RequestContext, input: { ResourcePolicy?: string; ResourceOwner?: string }): ResourcePolicy | undefined {
    if (input.ResourcePolicy === undefined) return undefined;
    const owner = /^arn:aws:iam::(\d{12}):/.exec(input.ResourceOwner ?? '')?.[1] ?? accountOf(ctx);
    return { document: input.ResourcePolicy, accountId: owner, kind: 'standard' };
  }

  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html */
    async simulatePrincipalPolicy(ctx, input) {
      const { principal, policies } = await source(ctx, input.PolicySourceArn);
      const extra = checkInputs(input.PolicyInputList);
      const boundaries = checkInputs(input.PermissionsBoundaryPolicyInputList);
      const results = run({
        principal,
        policies: { ...policies, identity: [...policies.identity, ...extra], boundary: boundaries[0] ?? policies.boundary },
        actions: input.ActionNames,
        resources: input.ResourceArns?.length ? input.ResourceArns : ['*'],
        context: contextOf(input.ContextEntries),
        resourcePolicy: resourcePolicyOf(ctx, input),
      });
      const page = paginate(results, input);
      return { EvaluationResults: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html */
    async simulateCustomPolicy(ctx, input) {
      const identity = checkInputs(input.PolicyInputList);
      const boundaries = checkInputs(input.PermissionsBoundaryPolicyInputList);
      const accountId = accountOf(ctx);
      const callerArn = input.CallerArn ?? ctx.principal?.arn ?? `arn:aws:iam::${accountId}:root`;
      // The policies given are identity policies: they are evaluated for a user holding them.
      const principal: Principal = { type: 'IAMUser', accountId, arn: callerArn, principalId: accountId };
      const results = run({
        principal,
        policies: { identity, boundary: boundaries[0], tags: {} },
        actions: input.ActionNames,
        resources: input.ResourceArns?.length ? input.ResourceArns : ['*'],
        context: contextOf(input.ContextEntries),
        resourcePolicy: resourcePolicyOf(ctx, input),
      });
      const page = paginate(results, input);
      return { EvaluationResults: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },
  };
}
