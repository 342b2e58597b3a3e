/**
 * Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.
 * https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
 *
 * Stored here, evaluated by the authorizer: every KMS ActionSpec hands the key's grants to it
 * (actions.ts). Grants take effect at once (there is no eventual consistency to wait for), and
 * grant tokens are checked wherever a request carries them.
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../../errors.js';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { dryRun, invalidGrantId, limitExceeded, pendingDeletion, validation } from '../errors.js';
import { checkGrantTokens, grantConstraints, issueGrantToken, openGrantToken, type GrantRow } from '../grant-store.js';
import { parseKeyRef, findKey, resolveKey, type KmsDeps } from '../key-lookup.js';
import type { KeyRow } from '../key-store.js';
import { specInfo } from '../key-specs.js';
import { paginate } from '../pagination.js';

/** AWS's quota of grants per KMS key. */
export const MAX_GRANTS_PER_KEY = 50_000;

const ALWAYS = ['CreateGrant', 'RetireGrant', 'DescribeKey'];

/**
 * The grant operations a key supports, by its type and usage: "you cannot create a grant for a
 * symmetric encryption KMS key that allows the Sign operation, or a grant for an asymmetric KMS key
 * that allows the GenerateDataKey operation".
 * https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-grant-operations
 */
export function grantOperationsFor(key: KeyRow): Set<string> {
  const kind = specInfo(key.key_spec)?.kind;
  let ops: string[];
  if (key.key_usage === 'ENCRYPT_DECRYPT' && kind === 'symmetric') {
    ops = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo'];
  } else if (key.key_usage === 'ENCRYPT_DECRYPT') {
    ops = ['Decrypt', 'Encrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey'];
  } else if (key.key_usage === 'SIGN_VERIFY') {
    ops = ['Sign', 'Verify', 'GetPublicKey'];
  } else if (key.key_usage === 'GENERATE_VERIFY_MAC') {
    ops = ['GenerateMac', 'VerifyMac'];
  } else {
    ops = ['DeriveSharedSecret', 'GetPublicKey'];
  }
  return new Set([...ops, ...ALWAYS]);
}

/** A principal ARN a grant can name: an account, IAM user or role, assumed role or federated user, or an account id. */
const PRINCIPAL = /^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(root|user\/.+|role\/.+)|arn:aws[a-z-]*:sts::\d{12}:(assumed-role|federated-user)\/.+)$/;
const SERVICE_PRINCIPAL = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;

function checkPrincipal(value: string | undefined): void {
  if (value === undefined || PRINCIPAL.test(value) || SERVICE_PRINCIPAL.test(value)) return;
  throw new AwsError('InvalidArnException', `ARN does not refer to a valid principal: ${value}`);
}

const GRANT_ID = /^[0-9a-f]{64}$/;

function checkGrantId(grantId: string): void {
  if (!GRANT_ID.test(grantId)) throw invalidGrantId();
}

const grantNotFound = (grantId: string) => new AwsError('NotFoundException', `Grant ID ${grantId} not found`);

/** Key-order-independent equality of two JSON values, for idempotent CreateGrant. */
function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]))
    : v);
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function checkConstraints(key: KeyRow, c: S.GrantConstraints | undefined): void {
  if (!c) return;
  const context = c.EncryptionContextEquals !== undefined || c.EncryptionContextSubset !== undefined;
  // Only symmetric encryption keys take an encryption context, so only they take these constraints.
  if (context && !(key.key_usage === 'ENCRYPT_DECRYPT' && specInfo(key.key_spec)?.kind === 'symmetric')) {
    throw validation('Encryption context grant constraints are supported only for symmetric encryption KMS keys.');
  }
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html */
export async function createGrant(deps: KmsDeps, ctx: RequestContext, input: S.CreateGrantRequest): Promise<S.CreateGrantResponse> {
  checkGrantTokens(deps.sealer, input.GrantTokens);
  if ((input.GranteePrincipal === undefined) === (input.GranteeServicePrincipal === undefined)) {
    throw validation('You must specify either GranteePrincipal or GranteeServicePrincipal, but not both.');
  }
  if (input.RetiringPrincipal !== undefined && input.RetiringServicePrincipal !== undefined) {
    throw validation('You can specify either RetiringPrincipal or RetiringServicePrincipal, but not both.');
  }
  if (input.GranteeServicePrincipal !== undefined && (input.Constraints?.SourceArn === undefined
    || (input.RetiringPrincipal === undefined && input.RetiringServicePrincipal === undefined))) {
    throw validation('A grant for a GranteeServicePrincipal requires a SourceArn constraint and a RetiringPrincipal or RetiringServicePrincipal.');
  }
  checkPrincipal(input.GranteePrincipal);
  checkPrincipal(input.RetiringPrincipal);
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  if (key.key_state === 'PendingDeletion' || key.key_state === 'PendingReplicaDeletion') throw pendingDeletion(key.arn);
  const allowed = grantOperationsFor(key);
  const invalid = input.Operations.filter((op) => !allowed.has(op));
  if (input.Operations.length === 0) throw validation('The grant must allow at least one operation.');
  if (invalid.length) {
    throw validation(`Grant operations ${invalid.join(', ')} are not valid for a KMS key with key spec ${key.key_spec} and key usage ${key.key_usage}.`);
  }
  checkConstraints(key, input.Constraints);
  if (input.DryRun) throw dryRun();

  const row: GrantRow = {
    grant_id: randomBytes(32).toString('hex'), key_arn: key.arn, region: key.region, name: input.Name ?? null,
    grantee_principal: input.GranteePrincipal ?? null, grantee_service_principal: input.GranteeServicePrincipal ?? null,
    retiring_principal: input.RetiringPrincipal ?? null, retiring_service_principal: input.RetiringServicePrincipal ?? null,
    issuing_account: `arn:aws:iam::${ctx.accountId}:root`, operations: JSON.stringify(input.Operations),
    constraints: input.Constraints ? JSON.stringify(input.Constraints) : null, created_at: deps.clock.now().toISOString(),
  };
  return deps.locks.run(`grants/${key.arn}`, async () => {
    const existing = await deps.grants.forKey(key.arn);
    // A retry with the same Name and parameters returns the original grant (with a new token).
    const same = input.Name === undefined ? undefined : existing.find((g) => g.name === row.name
      && g.grantee_principal === row.grantee_principal && g.grantee_service_principal === row.grantee_service_principal
      && g.retiring_principal === row.retiring_principal && g.retiring_service_principal === row.retiring_service_principal
      && sameJson([...JSON.parse(g.operations)].sort(), [...input.Operations].sort())
      && sameJson(grantConstraints(g) ?? null, input.Constraints ?? null));
    if (same) return { GrantId: same.grant_id, GrantToken: issueGrantToken(deps.sealer, same.grant_id, key.arn) };
    if (existing.length >= MAX_GRANTS_PER_KEY) throw limitExceeded(`The request would exceed the limit of ${MAX_GRANTS_PER_KEY} grants for ${key.arn}.`);
    await deps.grants.insert(row);
    return { GrantId: row.grant_id, GrantToken: issueGrantToken(deps.sealer, row.grant_id, key.arn) };
  });
}

function listEntry(g: GrantRow): S.GrantListEntry {
  const entry: S.GrantListEntry = {
    KeyId: g.key_arn, GrantId: g.grant_id, CreationDate: new Date(g.created_at),
    IssuingAccount: g.issuing_account, Operations: JSON.parse(g.operations) as S.GrantOperation[],
  };
  if (g.name !== null) entry.Name = g.name;
  if (g.grantee_principal !== null) entry.GranteePrincipal = g.grantee_principal;
  if (g.grantee_service_principal !== null) entry.GranteeServicePrincipal = g.grantee_service_principal;
  if (g.retiring_principal !== null) entry.RetiringPrincipal = g.retiring_principal;
  if (g.retiring_service_principal !== null) entry.RetiringServicePrincipal = g.retiring_service_principal;
  const constraints = grantConstraints(g);
  if (constraints) entry.Constraints = constraints;
  return entry;
}

function page(rows: GrantRow[], marker: string | undefined, limit: number | undefined): S.ListGrantsResponse {
  const { page: items, ...rest } = paginate(rows, (g) => `${g.created_at}/${g.grant_id}`, marker, Math.min(limit ?? 50, 100));
  return { Grants: items.map(listEntry), ...rest };
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ListGrants.html — in every key state. */
export async function listGrants(deps: KmsDeps, ctx: RequestContext, input: S.ListGrantsRequest): Promise<S.ListGrantsResponse> {
  if (input.GrantId !== undefined) checkGrantId(input.GrantId);
  if (input.GranteePrincipal !== undefined && input.GranteeServicePrincipal !== undefined) {
    throw validation('You can specify either GranteePrincipal or GranteeServicePrincipal, but not both.');
  }
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  const rows = (await deps.grants.forKey(key.arn)).filter((g) => (input.GrantId === undefined || g.grant_id === input.GrantId)
    && (input.GranteePrincipal === undefined || g.grantee_principal === input.GranteePrincipal)
    && (input.GranteeServicePrincipal === undefined || g.grantee_service_principal === input.GranteeServicePrincipal));
  return page(rows, input.Marker, input.Limit);
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ListRetirableGrants.html — this Region's grants naming the retiring principal. */
export async function listRetirableGrants(deps: KmsDeps, ctx: RequestContext, input: S.ListRetirableGrantsRequest): Promise<S.ListGrantsResponse> {
  if ((input.RetiringPrincipal === undefined) === (input.RetiringServicePrincipal === undefined)) {
    throw validation('You must specify either RetiringPrincipal or RetiringServicePrincipal, but not both.');
  }
  checkPrincipal(input.RetiringPrincipal);
  const rows = await deps.grants.retirable(ctx.region, { principal: input.RetiringPrincipal, servicePrincipal: input.RetiringServicePrincipal });
  return page(rows, input.Marker, input.Limit);
}

/** The grant a RetireGrant request names: by grant token, or by key and grant id. */
export async function grantToRetire(deps: KmsDeps, ctx: RequestContext, input: S.RetireGrantRequest): Promise<GrantRow> {
  if (input.GrantToken !== undefined) {
    const { grantId } = openGrantToken(deps.sealer, input.GrantToken);
    return (await deps.grants.find(grantId)) ?? throwNotFound(grantId);
  }
  if (input.KeyId === undefined || input.GrantId === undefined) {
    throw validation('Either GrantToken, or both KeyId and GrantId, must be specified.');
  }
  checkGrantId(input.GrantId);
  const key = await findKey(deps, parseKeyRef(ctx, input.KeyId, false));
  const grant = await deps.grants.find(input.GrantId);
  if (!grant || grant.key_arn !== key.arn) throw grantNotFound(input.GrantId);
  return grant;
}

function throwNotFound(grantId: string): never {
  throw grantNotFound(grantId);
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_RetireGrant.html
 * Who may retire (the retiring principal, a grantee allowed RetireGrant, the key's account) is the
 * authorizer's decision: the action table hands it the grant with its retiring principal.
 */
export async function retireGrant(deps: KmsDeps, ctx: RequestContext, input: S.RetireGrantRequest): Promise<void> {
  const grant = await grantToRetire(deps, ctx, input);
  if (input.DryRun) throw dryRun();
  if (!(await deps.grants.delete(grant.grant_id))) throw grantNotFound(grant.grant_id);
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_RevokeGrant.html */
export async function revokeGrant(deps: KmsDeps, ctx: RequestContext, input: S.RevokeGrantRequest): Promise<void> {
  checkGrantId(input.GrantId);
  const key = await resolveKey(deps, ctx, input.KeyId, false);
  const grant = await deps.grants.find(input.GrantId);
  if (!grant || grant.key_arn !== key.arn) throw grantNotFound(input.GrantId);
  if (input.DryRun) throw dryRun();
  if (!(await deps.grants.delete(grant.grant_id))) throw grantNotFound(grant.grant_id);
}
