/**
 * The policies a caller holds, for the PolicyAuthorizer: identity policies (inline and attached
 * managed, of the user and its groups, or of the role), the permissions boundary, session
 * policies and principal tags. Built with a handful of indexed queries on a miss and cached per
 * credential; every IAM write bumps the account's generation, so a change is in force on the next
 * request. The time-to-live covers writes made by another process on a shared database (one second
 * in cluster mode).
 */
import type { Kysely } from 'kysely';
import type { PrincipalPolicies, PrincipalPolicySource } from '../../authz/principal-policies.js';
import type { Principal } from '../../server/context.js';
import type { Database } from '../../store/database.js';
import type { IamDeps } from './deps.js';
import { defaultDocuments } from './policy-store.js';
import type { EntityType } from './tables.js';
import { readTags } from './tag-store.js';

/** How long a cached IAM read lives on a node of its own (writes made here invalidate it at once). */
export const TTL_MS = 30_000;
/**
 * Nodes sharing a database (cluster mode) see each other's IAM writes only through the time-to-live,
 * so there it is short: a policy change is in force on every node within a second.
 */
export const CLUSTER_TTL_MS = 1_000;
const DENY_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}';
const MAX_ENTRIES = 10_000;

/**
 * What GetSessionToken credentials may not do: IAM without MFA, and STS beyond AssumeRole (and
 * GetCallerIdentity, which needs no permission). Expressed as a session policy, so it narrows the
 * user's own permissions exactly as AWS describes.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
 */
function sessionTokenLimits(mfa: boolean): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', NotAction: mfa ? ['sts:*'] : ['iam:*', 'sts:*'], Resource: '*' },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
    ],
  });
}

interface Entry { generation: number; at: number; value: PrincipalPolicies }

export class IamPrincipalPolicies implements PrincipalPolicySource {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly deps: IamDeps, private readonly ttlMs = TTL_MS) {}

  async policiesFor(principal: Principal): Promise<PrincipalPolicies> {
    const key = `${principal.accessKeyId ?? ''}|${principal.principalId}`;
    const generation = this.deps.changes.generation(principal.accountId);
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.generation === generation && now - hit.at < this.ttlMs) return hit.value;
    const value = await this.load(principal);
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { generation, at: now, value });
    return value;
  }

  private async load(p: Principal): Promise<PrincipalPolicies> {
    const { db } = this.deps;
    const session = p.accessKeyId?.startsWith('ASIA')
      ? await db.selectFrom('sts_sessions').selectAll().where('access_key_id', '=', p.accessKeyId).executeTakeFirst()
      : undefined;
    const temporary = session
      ? { mfaAuthenticated: session.mfa_authenticated === 1, tokenIssuedAt: new Date(session.created_at) }
      : {};
    if (p.type === 'AssumedRole' && session?.role_id) {
      // A deleted role's sessions keep authenticating until they expire, with no permissions.
      const role = await rolePolicies(db, session.role_id) ?? { identity: [], tags: {} };
      const sessionArns: string[] = session.session_policy_arns ? JSON.parse(session.session_policy_arns) : [];
      const sessionDocs = await defaultDocuments(db, sessionArns);
      const sessionPolicies = [
        ...(session.session_policy ? [session.session_policy] : []),
        // A session policy ARN that names nothing (any more) allows nothing: fail closed.
        ...sessionArns.map((arn) => sessionDocs.get(arn) ?? DENY_ALL),
      ];
      const tags = { ...role.tags, ...(session.session_tags ? JSON.parse(session.session_tags) : {}) };
      return { ...role, session: sessionPolicies.length ? sessionPolicies : undefined, tags, ...temporary };
    }
    if (p.type === 'IAMUser') {
      const user = await userPolicies(db, session?.user_id ?? p.principalId);
      if (!user) return { identity: [], tags: {}, ...temporary };
      const limits = session ? { session: [sessionTokenLimits(session.mfa_authenticated === 1)] } : {};
      return { ...user, ...limits, ...temporary };
    }
    return { identity: [], tags: {}, ...temporary };
  }
}

/** A user's identity policies (its own and its groups'), boundary and tags; undefined if it's gone. */
export async function userPolicies(db: Kysely<Database>, userId: string): Promise<PrincipalPolicies | undefined> {
  const user = await db.selectFrom('iam_users').select(['user_id', 'permissions_boundary_arn']).where('user_id', '=', userId).executeTakeFirst();
  if (!user) return undefined;
  const groups = await db.selectFrom('iam_group_members').select('group_id').where('user_id', '=', userId).execute();
  const entities: Array<[EntityType, string]> = [['user', userId], ...groups.map((g): [EntityType, string] => ['group', g.group_id])];
  return { ...await entityPolicies(db, entities, user.permissions_boundary_arn), tags: tagMap(await readTags(db, 'user', userId)) };
}

/** A role's identity policies, boundary and tags; undefined if it's gone. */
export async function rolePolicies(db: Kysely<Database>, roleId: string): Promise<PrincipalPolicies | undefined> {
  const role = await db.selectFrom('iam_roles').select(['role_id', 'permissions_boundary_arn']).where('role_id', '=', roleId).executeTakeFirst();
  if (!role) return undefined;
  return { ...await entityPolicies(db, [['role', roleId]], role.permissions_boundary_arn), tags: tagMap(await readTags(db, 'role', roleId)) };
}

/** A group's identity policies (groups have no boundary or tags). */
export async function groupPolicies(db: Kysely<Database>, groupId: string): Promise<PrincipalPolicies> {
  return { ...await entityPolicies(db, [['group', groupId]], null), tags: {} };
}

/** Inline and attached policies of the given entities, and the boundary document. */
async function entityPolicies(db: Kysely<Database>, entities: Array<[EntityType, string]>, boundaryArn: string | null): Promise<{ identity: string[]; boundary?: string }> {
  const ids = entities.map(([, id]) => id);
  const inline = await db.selectFrom('iam_inline_policies').select(['entity_type', 'entity_id', 'document'])
    .where('entity_id', 'in', ids).execute();
  const attached = await db.selectFrom('iam_attachments').select(['entity_type', 'entity_id', 'policy_arn'])
    .where('entity_id', 'in', ids).execute();
  // Unique ids never collide across entity types, but the type is checked anyway.
  const mine = (r: { entity_type: string; entity_id: string }) => entities.some(([t, id]) => t === r.entity_type && id === r.entity_id);
  const arns = [...new Set(attached.filter(mine).map((a) => a.policy_arn))];
  const docs = await defaultDocuments(db, boundaryArn ? [...arns, boundaryArn] : arns);
  return {
    identity: [...inline.filter(mine).map((r) => r.document), ...arns.flatMap((arn) => docs.get(arn) ?? [])],
    // A boundary naming a policy that no longer exists allows nothing (fail closed).
    boundary: boundaryArn ? (docs.get(boundaryArn) ?? DENY_ALL) : undefined,
  };
}

function tagMap(tags: Array<{ Key: string; Value: string }>): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}
