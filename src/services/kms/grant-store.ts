/**
 * Grants (table `kms_grants`, migration 0007-kms-b): the repository, grant tokens, and the view of
 * a grant the authorizer evaluates.
 *
 * A grant token is the grant's id and key ARN sealed by the root key (AAD `kms/grant-token`): it
 * names its grant exactly, a new one is issued on every CreateGrant (the seal's IV is random, as
 * AWS issues a fresh token even for an idempotent retry), and no caller can forge one.
 */
import type { Selectable } from 'kysely';
import type { GrantView } from '../../authz/types.js';
import type { Sealer } from '../../crypto/root-key.js';
import type { Db } from '../../store/database.js';
import type { GrantConstraints } from '../../generated/kms/shapes.js';
import { invalidGrantToken } from './errors.js';
import type { ChangeCounter } from '../../store/recent-cache.js';
import type { KmsGrantsTable } from './tables.js';

/** A grant as stored. */
export type GrantRow = Selectable<KmsGrantsTable>;

const TOKEN_AAD = 'kms/grant-token';

/** Repository over `kms_grants`. */
export class GrantStore {
  constructor(private readonly db: Db, private readonly changes: ChangeCounter) {}

  async insert(row: GrantRow): Promise<void> {
    await this.changes.count(this.db.insertInto('kms_grants').values(row).execute());
  }

  async find(grantId: string): Promise<GrantRow | undefined> {
    return this.db.selectFrom('kms_grants').selectAll().where('grant_id', '=', grantId).executeTakeFirst();
  }

  /** A key's grants, oldest first. */
  async forKey(keyArn: string): Promise<GrantRow[]> {
    return this.db.selectFrom('kms_grants').selectAll().where('key_arn', '=', keyArn).orderBy('created_at').orderBy('grant_id').execute();
  }

  async countForKey(keyArn: string): Promise<number> {
    const row = await this.db.selectFrom('kms_grants').select((eb) => eb.fn.countAll<number>().as('n')).where('key_arn', '=', keyArn).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The Region's grants that name this retiring principal (or retiring service principal), oldest first. */
  async retirable(region: string, by: { principal?: string; servicePrincipal?: string }): Promise<GrantRow[]> {
    let q = this.db.selectFrom('kms_grants').selectAll().where('region', '=', region);
    q = by.principal !== undefined ? q.where('retiring_principal', '=', by.principal) : q.where('retiring_service_principal', '=', by.servicePrincipal ?? '');
    return q.orderBy('created_at').orderBy('grant_id').execute();
  }

  /** Deletes a grant; false if it no longer exists. */
  async delete(grantId: string): Promise<boolean> {
    const result = await this.changes.count(this.db.deleteFrom('kms_grants').where('grant_id', '=', grantId).executeTakeFirst());
    return Number(result.numDeletedRows) === 1;
  }
}

/** A fresh grant token for a grant. */
export function issueGrantToken(sealer: Sealer, grantId: string, keyArn: string): string {
  return sealer.seal(TOKEN_AAD, Buffer.from(JSON.stringify({ g: grantId, k: keyArn }), 'utf8')).toString('base64');
}

/** The grant a token names; InvalidGrantTokenException for anything this server did not issue. */
export function openGrantToken(sealer: Sealer, token: string): { grantId: string; keyArn: string } {
  const bytes = Buffer.from(token, 'base64');
  if (bytes.toString('base64') !== token) throw invalidGrantToken();
  try {
    const { g, k } = JSON.parse(sealer.open(TOKEN_AAD, bytes).toString('utf8')) as { g: unknown; k: unknown };
    if (typeof g !== 'string' || typeof k !== 'string') throw new TypeError('malformed grant token');
    return { grantId: g, keyArn: k };
  } catch {
    throw invalidGrantToken();
  }
}

/** Checks every token a request carries (GrantTokens): a token this server did not issue is refused. */
export function checkGrantTokens(sealer: Sealer, tokens: string[] | undefined): void {
  for (const token of tokens ?? []) openGrantToken(sealer, token);
}

/** A grant's constraints as CreateGrant took them, if it has any. */
export function grantConstraints(row: GrantRow): GrantConstraints | undefined {
  return row.constraints === null ? undefined : JSON.parse(row.constraints) as GrantConstraints;
}

/** What the authorizer sees of a key's grants (authz/grants.ts decides what each allows). */
export function grantViews(rows: GrantRow[]): GrantView[] {
  const views: GrantView[] = [];
  for (const row of rows) {
    const constraints = grantConstraints(row);
    const view: GrantView = { grantId: row.grant_id, operations: JSON.parse(row.operations) as string[] };
    if (row.grantee_principal !== null) view.granteePrincipal = row.grantee_principal;
    if (row.grantee_service_principal !== null) view.granteeServicePrincipal = row.grantee_service_principal;
    if (row.retiring_principal !== null) view.retiringPrincipal = row.retiring_principal;
    if (row.retiring_service_principal !== null) view.retiringServicePrincipal = row.retiring_service_principal;
    if (constraints) {
      view.constraints = {};
      if (constraints.EncryptionContextEquals) view.constraints.EncryptionContextEquals = constraints.EncryptionContextEquals;
      if (constraints.EncryptionContextSubset) view.constraints.EncryptionContextSubset = constraints.EncryptionContextSubset;
      if (constraints.SourceArn !== undefined) view.constraints.SourceArn = constraints.SourceArn;
    }
    views.push(view);
  }
  return views;
}
