/**
 * Every kind of value Coffer seals with the root key, and where each is kept: the list a root-key
 * rotation re-wraps (src/ops/root-key-rotate.ts) and a backup leaves sealed.
 *
 * A new `sealer.seal(` call site must add its entry here: `sealed-registry.test.ts` resolves the
 * AAD of every call site in src/ and fails when its pattern is not listed (and when an entry no
 * longer matches any call site). An AAD pattern writes each variable part as `{column}`, naming
 * the row column that fills it, so the rotation can rebuild the AAD of every row it re-wraps.
 *
 * The test matches AAD shapes, not columns: a value sealed under a shape already listed but kept
 * somewhere new (another table, another JSON field) needs its own entry too. Check the entries of
 * the shape you reuse.
 */

/** How a column holds its sealed bytes. */
export type SealedEncoding =
  /** A binary column (`binary()` in migrations: SQLite blob, PostgreSQL bytea). */
  | { kind: 'binary' }
  /** A text column holding base64. */
  | { kind: 'base64' }
  /** A text column holding a JSON document whose `field` is base64 of the sealed bytes, when `when` matches. */
  | { kind: 'json'; field: string; when: Record<string, string> };

/** Sealed values stored in a table column. */
export interface StoredSeal {
  kind: 'stored';
  /** The AAD, `{column}` standing for that column's value in the row. */
  aad: string;
  table: string;
  column: string;
  /** The row's primary key: paging and the compare-and-set of a re-wrap use it. */
  keys: string[];
  encoding: SealedEncoding;
  /** Only rows whose columns equal these values hold this kind of sealed value. */
  where?: Record<string, string>;
  /** 'trail': the table is in the trail database (src/trail/database.ts), not the main one. */
  database?: 'trail';
}

/** Sealed values never stored: handed to clients as tokens, or kept by the key ring itself. */
export interface UnstoredSeal {
  kind: 'token' | 'key-ring';
  /** The AAD, `{name}` standing for each variable part. */
  aad: string;
  /** What happens to such values when the root key rotates. */
  note: string;
}

export type SealedValue = StoredSeal | UnstoredSeal;

/** The registry. Order is the order a rotation re-wraps in (any order is correct). */
export const SEALED_VALUES: readonly SealedValue[] = [
  {
    kind: 'stored', aad: 'access_keys/{access_key_id}/secret', table: 'access_keys', column: 'secret_sealed',
    keys: ['access_key_id'], encoding: { kind: 'binary' },
  },
  {
    kind: 'stored', aad: 'sts_sessions/{access_key_id}/secret', table: 'sts_sessions', column: 'secret_sealed',
    keys: ['access_key_id'], encoding: { kind: 'binary' },
  },
  {
    kind: 'stored', aad: 'meta/sts_session_token_key', table: 'meta', column: 'value',
    keys: ['key'], encoding: { kind: 'base64' }, where: { key: 'sts_session_token_key' },
  },
  {
    kind: 'stored', aad: 'iam_mfa_devices/{serial_number}/seed', table: 'iam_mfa_devices', column: 'seed_sealed',
    keys: ['serial_number'], encoding: { kind: 'binary' },
  },
  {
    kind: 'stored', aad: 'kms/{key_arn}/material/{version}', table: 'kms_key_materials', column: 'material_sealed',
    keys: ['key_arn', 'version'], encoding: { kind: 'binary' },
  },
  {
    kind: 'stored', aad: 's3/objects/{id}/data-key', table: 's3_objects', column: 'encryption',
    keys: ['id'], encoding: { kind: 'json', field: 'sealedKey', when: { source: 'sse-s3' } },
  },
  {
    kind: 'stored', aad: 's3/objects/{object_id}/data-key', table: 's3_uploads', column: 'encryption',
    keys: ['upload_id'], encoding: { kind: 'json', field: 'sealedKey', when: { source: 'sse-s3' } },
  },
  {
    // SSE-C: the data key sealed under the customer's key, then under the root key.
    kind: 'stored', aad: 's3/objects/{id}/data-key', table: 's3_objects', column: 'encryption',
    keys: ['id'], encoding: { kind: 'json', field: 'wrapped', when: { source: 'sse-c' } },
  },
  {
    kind: 'stored', aad: 's3/objects/{object_id}/data-key', table: 's3_uploads', column: 'encryption',
    keys: ['upload_id'], encoding: { kind: 'json', field: 'wrapped', when: { source: 'sse-c' } },
  },
  {
    kind: 'stored', aad: 's3/objects/{id}/dsse-layer', table: 's3_objects', column: 'encryption',
    keys: ['id'], encoding: { kind: 'json', field: 'layer', when: { source: 'sse-kms', algorithm: 'aws:kms:dsse' } },
  },
  {
    kind: 'stored', aad: 's3/objects/{object_id}/dsse-layer', table: 's3_uploads', column: 'encryption',
    keys: ['upload_id'], encoding: { kind: 'json', field: 'layer', when: { source: 'sse-kms', algorithm: 'aws:kms:dsse' } },
  },
  {
    kind: 'stored', aad: 'trail_signing_keys/{fingerprint}', table: 'trail_signing_keys', column: 'private_sealed',
    keys: ['fingerprint'], encoding: { kind: 'binary' },
  },
  {
    kind: 'stored', aad: 'trail_checkpoints/{name}', table: 'trail_checkpoints', column: 'sealed',
    keys: ['name'], encoding: { kind: 'binary' }, database: 'trail',
  },
  {
    kind: 'token', aad: 'kms/grant-token',
    note: 'grant tokens handed to callers stop opening once the old key is retired (InvalidGrantTokenException); AWS needs them only until the grant is consistent',
  },
  {
    kind: 'token', aad: 'kms/import-token/{key_arn}',
    note: 'import tokens issued before the rotation stop opening (InvalidImportTokenException): call GetParametersForImport again',
  },
  { kind: 'key-ring', aad: 'meta/root_key_next', note: 'the rotation itself writes and retires it' },
  { kind: 'key-ring', aad: 'meta/root_key_ring', note: 'the rotation itself writes and retires it' },
];

/** The AAD of a row of `entry`: each `{column}` replaced by the row's value. */
export function aadOf(entry: StoredSeal, row: Record<string, unknown>): string {
  return entry.aad.replace(/\{(\w+)\}/g, (_, column: string) => {
    const value = row[column];
    if (value === undefined || value === null) throw new Error(`${entry.table}: AAD column ${column} is empty`);
    return String(value);
  });
}

/** The columns an entry reads: its keys, the sealed column, and those its AAD and filter name. */
export function columnsOf(entry: StoredSeal): string[] {
  const aadColumns = [...entry.aad.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  return [...new Set([...entry.keys, entry.column, ...aadColumns, ...Object.keys(entry.where ?? {})])];
}

/** An AAD with every variable part as `*`: how call sites and entries are compared. */
export function aadShape(aad: string): string {
  return aad.replace(/\{\w+\}/g, '*');
}
