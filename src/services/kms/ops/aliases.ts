/** CreateAlias, UpdateAlias, DeleteAlias, ListAliases. Aliases are scoped per account and Region. */
import { AwsError } from '../../../errors.js';
import type * as S from '../../../generated/kms/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { aliasNotFound, validation } from '../errors.js';
import { PREDEFINED_AWS_ALIASES } from '../key-factory.js';
import { aliasArn, requireNotPendingDeletion, resolveKey, type KmsDeps } from '../key-lookup.js';
import type { KeyRow } from '../key-store.js';
import { specInfo } from '../key-specs.js';
import { paginate } from '../pagination.js';

/** The `alias/` prefix (AWS's exact ValidationException) and the reserved `alias/aws/` namespace. */
function checkAliasName(name: string): void {
  if (!name.startsWith('alias/')) {
    throw validation('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  // AWS answers a customer's attempt on an AWS-reserved alias with a bare NotAuthorizedException.
  if (name.startsWith('alias/aws/')) throw new AwsError('NotAuthorizedException', '', { status: 400 });
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html */
export async function createAlias(deps: KmsDeps, ctx: RequestContext, input: S.CreateAliasRequest): Promise<void> {
  checkAliasName(input.AliasName);
  const key = await resolveKey(deps, ctx, input.TargetKeyId, false);
  requireNotPendingDeletion(key);
  const now = deps.clock.now().toISOString();
  const inserted = await deps.store.insertAlias({
    account_id: ctx.accountId, region: ctx.region, alias_name: input.AliasName, target_key_arn: key.arn, created_at: now, updated_at: now,
  });
  if (!inserted) {
    throw new AwsError('AlreadyExistsException', `An alias with the name ${aliasArn(ctx.region, ctx.accountId, input.AliasName)} already exists`);
  }
}

/** Symmetric, asymmetric and HMAC keys are different "types" for UpdateAlias. */
function keyType(key: KeyRow): string {
  const kind = specInfo(key.key_spec)?.kind;
  return kind === 'symmetric' || kind === 'hmac' ? kind : 'asymmetric';
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdateAlias.html
 * The new key must have the same type and key usage as the current one.
 */
export async function updateAlias(deps: KmsDeps, ctx: RequestContext, input: S.UpdateAliasRequest): Promise<void> {
  checkAliasName(input.AliasName);
  const alias = await deps.store.findAlias(ctx.accountId, ctx.region, input.AliasName);
  if (!alias) throw aliasNotFound(aliasArn(ctx.region, ctx.accountId, input.AliasName));
  const target = await resolveKey(deps, ctx, input.TargetKeyId, false);
  requireNotPendingDeletion(target);
  const current = await deps.store.findKeyByArn(alias.target_key_arn);
  if (current && current.key_usage !== target.key_usage) {
    throw validation(`Alias ${aliasArn(ctx.region, ctx.accountId, input.AliasName)} cannot be changed from a CMK with key usage ${current.key_usage} `
      + `to a CMK with key usage ${target.key_usage}. The key usage of the current CMK and the new CMK must be the same.`);
  }
  if (current && keyType(current) !== keyType(target)) {
    throw validation(`Alias ${aliasArn(ctx.region, ctx.accountId, input.AliasName)} cannot be changed from a CMK with key type ${keyType(current)} `
      + `to a CMK with key type ${keyType(target)}. The key type of the current CMK and the new CMK must be the same.`);
  }
  await deps.store.retargetAlias(ctx.accountId, ctx.region, input.AliasName, target.arn, deps.clock.now().toISOString());
}

/** https://docs.aws.amazon.com/kms/latest/APIReference/API_DeleteAlias.html */
export async function deleteAlias(deps: KmsDeps, ctx: RequestContext, input: S.DeleteAliasRequest): Promise<void> {
  checkAliasName(input.AliasName);
  if (!(await deps.store.findAlias(ctx.accountId, ctx.region, input.AliasName))) {
    throw aliasNotFound(aliasArn(ctx.region, ctx.accountId, input.AliasName));
  }
  await deps.store.deleteAlias(ctx.accountId, ctx.region, input.AliasName);
}

/**
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ListAliases.html
 * Without a KeyId the list includes AWS's predefined aliases, without a TargetKeyId until their
 * AWS managed key exists ("aliases that AWS has created but has not yet associated with a key").
 */
export async function listAliases(deps: KmsDeps, ctx: RequestContext, input: S.ListAliasesRequest): Promise<S.ListAliasesResponse> {
  const key = input.KeyId !== undefined ? await resolveKey(deps, ctx, input.KeyId, false) : undefined;
  const rows = await deps.store.listAliases(ctx.accountId, ctx.region, key?.arn);
  const entries: S.AliasListEntry[] = rows.map((a) => ({
    AliasName: a.alias_name,
    AliasArn: aliasArn(ctx.region, ctx.accountId, a.alias_name),
    TargetKeyId: a.target_key_arn.slice(a.target_key_arn.indexOf(':key/') + ':key/'.length),
    CreationDate: new Date(a.created_at),
    LastUpdatedDate: new Date(a.updated_at),
  }));
  if (!key) {
    const present = new Set(rows.map((a) => a.alias_name));
    for (const name of PREDEFINED_AWS_ALIASES) {
      if (!present.has(name)) entries.push({ AliasName: name, AliasArn: aliasArn(ctx.region, ctx.accountId, name) });
    }
  }
  entries.sort((a, b) => (a.AliasName! < b.AliasName! ? -1 : a.AliasName! > b.AliasName! ? 1 : 0));
  const { page, ...rest } = paginate(entries, (e) => e.AliasName!, input.Marker, Math.min(input.Limit ?? 50, 100));
  return { Aliases: page, ...rest };
}
