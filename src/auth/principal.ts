import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sealer } from '../crypto/root-key.js';
import { AwsError } from '../errors.js';
import type { Principal, PrincipalType } from '../server/context.js';
import type { AccessKeyRow, Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';
import type { Protocol } from './auth-errors.js';

/** What an access key id resolves to: the secret to check the signature with, and who signs. */
export interface Credential {
  secretAccessKey: string;
  principal: Principal;
  active: boolean;
}

/** The AAD a secret access key is sealed under: a sealed secret copied to another key id won't open. */
export function secretAad(accessKeyId: string): string {
  return `access_keys/${accessKeyId}/secret`;
}

/** The AAD of a temporary credential's secret (STS sessions). */
export function sessionSecretAad(accessKeyId: string): string {
  return `sts_sessions/${accessKeyId}/secret`;
}

/** What a session token check found wrong: both end the request before its signature is checked. */
export type SessionTokenFailure = 'expired' | 'invalid';

/** Thrown by {@link CredentialResolver.resolve}; the gateway answers it per protocol ({@link sessionTokenError}). */
export class SessionTokenError extends Error {
  constructor(readonly failure: SessionTokenFailure) {
    super(`session token ${failure}`);
    this.name = 'SessionTokenError';
  }
}

const TOKEN_INVALID = 'The security token included in the request is invalid.';
const TOKEN_EXPIRED = 'The security token included in the request is expired';

/** AWS's answer to an expired or wrong session token, in each protocol's words. */
export function sessionTokenError(failure: SessionTokenFailure, protocol: Protocol): AwsError {
  const expired = failure === 'expired';
  switch (protocol) {
    case 'json':
      return expired
        ? new AwsError('ExpiredTokenException', TOKEN_EXPIRED, { status: 400 })
        : new AwsError('UnrecognizedClientException', TOKEN_INVALID, { status: 400 });
    case 'query':
      return expired
        ? new AwsError('ExpiredToken', TOKEN_EXPIRED, { status: 403 })
        : new AwsError('InvalidClientTokenId', TOKEN_INVALID, { status: 403 });
    case 'ec2':
      return expired
        ? new AwsError('RequestExpired', 'Request has expired.', { status: 400 })
        : new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', { status: 401 });
    default:
      return expired
        ? new AwsError('ExpiredToken', 'The provided token has expired.', { status: 400 })
        : new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', { status: 400 });
  }
}

const TOKEN_KEY_META = 'sts_session_token_key';
/** How long an opened secret is reused while its sealed form in the store is unchanged. */
const OPENED_SECRET_TTL_MS = 5 * 60_000;
const OPENED_SECRET_MAX = 10_000;
const KEY_ROWS_MAX = 10_000;

/** The access-key lookup every signed request makes, compiled once (store/prepared.ts). */
const accessKeyQuery = prepared((db, v: { accessKeyId: string }) => db.selectFrom('access_keys').selectAll().where('access_key_id', '=', v.accessKeyId));

/** AWS records a key's last use at most once per 15 minutes. */
const LAST_USED_SPAN_MS = 15 * 60_000;

/**
 * Session tokens are shown to the caller once and stored only as HMAC-SHA256 under a server key
 * (random, sealed by the root key in `meta`): a copy of the database yields no usable token.
 */
export class SessionTokens {
  private key?: Promise<Buffer>;

  constructor(private readonly db: Db, private readonly sealer: Sealer) {}

  async mac(token: string): Promise<string> {
    this.key ??= this.loadKey();
    return createHmac('sha256', await this.key).update(token, 'utf8').digest('hex');
  }

  /** Constant-time check of a presented token against the stored MAC. */
  async matches(token: string, storedMac: string): Promise<boolean> {
    const given = Buffer.from(await this.mac(token), 'hex');
    const stored = Buffer.from(storedMac, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  private async loadKey(): Promise<Buffer> {
    const aad = `meta/${TOKEN_KEY_META}`;
    const read = () => this.db.selectFrom('meta').select('value').where('key', '=', TOKEN_KEY_META).executeTakeFirst();
    let row = await read();
    if (!row) {
      const sealed = this.sealer.seal(aad, randomBytes(32)).toString('base64');
      // Another process may create it at the same moment: the first one wins, everyone reads it.
      await this.db.insertInto('meta').values({ key: TOKEN_KEY_META, value: sealed }).onConflict((oc) => oc.column('key').doNothing()).execute();
      row = await read();
    }
    return this.sealer.open(aad, Buffer.from(row!.value, 'base64'));
  }
}

/**
 * When an access-key row read earlier may answer again instead of the database: while no IAM write
 * was made by this process since (`generation()` moves with every one), and for at most `ttlMs`,
 * which bounds how late a change made by another process (a cluster node) is seen. AWS documents
 * the same eventual consistency for IAM changes.
 */
export interface KeyRowFreshness {
  generation(): number;
  ttlMs: number;
}

/**
 * Turns an access key id (and the session token that came with it) into its principal and
 * (unsealed) secret: long-term keys of roots and IAM users, and STS temporary credentials, whose
 * token is checked on every request and which expire on service time.
 */
export class CredentialResolver {
  private readonly tokens: SessionTokens;
  /** When this process last recorded each key's use (bounded; cleared when full). */
  private readonly recentUses = new Map<string, number>();
  /**
   * Secrets opened recently, by access key id, with the sealed bytes they came from. The row is
   * still read on every request (a deactivated, deleted or re-sealed key is seen at once); only the
   * root-key open is skipped while the sealed bytes are the same.
   */
  private readonly opened = new Map<string, { sealed: Buffer; secret: string; expires: number }>();
  /** Access-key rows read recently (found ones only), reused as {@link KeyRowFreshness} allows. */
  private readonly rows = new Map<string, { row: AccessKeyRow; generation: number; at: number }>();

  constructor(
    private readonly db: Db, private readonly sealer: Sealer, private readonly clock: { now(): Date } = { now: () => new Date() },
    private readonly freshness?: KeyRowFreshness,
  ) {
    this.tokens = new SessionTokens(db, sealer);
  }

  /** The secret sealed as `sealed` under `aad`, opened at most once per {@link OPENED_SECRET_TTL_MS}. */
  private openSecret(accessKeyId: string, aad: string, sealed: Buffer): string {
    const now = performance.now();
    const hit = this.opened.get(accessKeyId);
    if (hit && hit.expires > now && hit.sealed.equals(sealed)) return hit.secret;
    const secret = this.sealer.open(aad, sealed).toString('utf8');
    this.opened.delete(accessKeyId);
    this.opened.set(accessKeyId, { sealed: Buffer.from(sealed), secret, expires: now + OPENED_SECRET_TTL_MS });
    if (this.opened.size > OPENED_SECRET_MAX) this.opened.delete(this.opened.keys().next().value!);
    return secret;
  }

  /** Throws {@link SessionTokenError} when a session token is missing, wrong, or expired. */
  async resolve(accessKeyId: string, sessionToken?: string): Promise<Credential | undefined> {
    const row = await this.accessKeyRow(accessKeyId);
    if (row) {
      // A session token makes sense only with temporary credentials.
      if (sessionToken !== undefined) throw new SessionTokenError('invalid');
      const type = row.principal_type as PrincipalType;
      return {
        secretAccessKey: this.openSecret(row.access_key_id, secretAad(row.access_key_id), Buffer.from(row.secret_sealed)),
        active: row.status === 'Active',
        principal: {
          type,
          accountId: row.account_id,
          arn: row.principal_arn,
          // AWS's unique id of a root caller is the account id itself.
          principalId: type === 'Root' ? row.account_id : (row.principal_id ?? row.account_id),
          accessKeyId: row.access_key_id,
          userName: row.user_name ?? undefined,
        },
      };
    }
    return this.resolveSession(accessKeyId, sessionToken);
  }

  private async accessKeyRow(accessKeyId: string): Promise<AccessKeyRow | undefined> {
    const f = this.freshness;
    const now = performance.now();
    const hit = this.rows.get(accessKeyId);
    if (f && hit && hit.generation === f.generation() && now - hit.at < f.ttlMs) return hit.row;
    // Read before the query: a write made while it runs leaves the entry stale.
    const generation = f?.generation();
    const [row] = await accessKeyQuery(this.db, { accessKeyId });
    this.rows.delete(accessKeyId);
    if (f && row) {
      this.rows.set(accessKeyId, { row, generation: generation!, at: now });
      if (this.rows.size > KEY_ROWS_MAX) this.rows.delete(this.rows.keys().next().value!);
    }
    return row;
  }

  /**
   * Records a successful use of a long-term key (GetAccessKeyLastUsed, the credential report). As
   * AWS does, only the first use in any 15-minute span is written, so busy keys cost no writes.
   * Temporary credentials have no last-used record. Stamped with service time, as key creation
   * and the credential report are, so their ages compare.
   */
  async recordUse(accessKeyId: string, service: string, region: string, at: Date = this.clock.now()): Promise<void> {
    if (accessKeyId.startsWith('ASIA')) return;
    // This process wrote this key's use within the span: the guarded UPDATE below would change nothing.
    const memo = `${accessKeyId} ${service} ${region}`;
    const last = this.recentUses.get(memo);
    if (last !== undefined && at.getTime() - last < LAST_USED_SPAN_MS) return;
    if (this.recentUses.size >= 10_000) this.recentUses.clear();
    this.recentUses.set(memo, at.getTime());
    const since = new Date(at.getTime() - LAST_USED_SPAN_MS).toISOString();
    await this.db.updateTable('access_keys')
      .set({ last_used_at: at.toISOString(), last_used_service: service, last_used_region: region })
      .where('access_key_id', '=', accessKeyId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', since)]))
      .execute();
  }

  private async resolveSession(accessKeyId: string, sessionToken: string | undefined): Promise<Credential | undefined> {
    const s = await this.db.selectFrom('sts_sessions').selectAll().where('access_key_id', '=', accessKeyId).executeTakeFirst();
    if (!s) return undefined;
    if (sessionToken === undefined || !(await this.tokens.matches(sessionToken, s.token_hmac))) throw new SessionTokenError('invalid');
    if (this.clock.now().getTime() >= new Date(s.expires_at).getTime()) throw new SessionTokenError('expired');
    return {
      secretAccessKey: this.openSecret(accessKeyId, sessionSecretAad(accessKeyId), Buffer.from(s.secret_sealed)),
      active: true,
      principal: {
        type: s.principal_type,
        accountId: s.account_id,
        arn: s.principal_arn,
        principalId: s.principal_id,
        accessKeyId,
        userName: s.user_name ?? undefined,
        sessionIssuerArn: s.issuer_arn ?? undefined,
        sourceIdentity: s.source_identity ?? undefined,
      },
    };
  }
}
