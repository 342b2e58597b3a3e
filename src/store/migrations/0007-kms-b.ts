/**
 * KMS part B: grants, and per-material rotation and import records.
 *
 * - `kms_key_materials` is rebuilt (SQLite cannot drop a NOT NULL constraint in place): its sealed
 *   secret becomes nullable, so imported material that was deleted or expired keeps its row (its
 *   version and KeyMaterialId, which old ciphertexts and a later re-import refer to) without the
 *   secret. New columns record how each version came to be (rotation type and date) and, for
 *   imported material, its expiration model and description.
 * - `kms_grants`: one row per grant, keyed by grant id, belonging to one key (by ARN).
 *
 * Forward-only, like the others. The design note in src/services/kms/key-store.ts says how the
 * columns are used; row types are in src/services/kms/tables.ts.
 */
import { PostgresAdapter, type Kysely } from 'kysely';

/** `bytea` on PostgreSQL, `blob` on SQLite (as in 0001). */
function binary(db: Kysely<any>): 'bytea' | 'blob' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
}

const KEPT_COLUMNS = ['key_arn', 'version', 'material_id', 'material_sealed', 'public_key', 'imported', 'created_at', 'expires_at'] as const;

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.schema
      .createTable('kms_key_materials_b')
      .addColumn('key_arn', 'text', (c) => c.notNull().references('kms_keys.arn'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('material_id', 'text', (c) => c.notNull())
      // Null: imported material deleted (DeleteImportedKeyMaterial) or expired, or not yet imported into a replica.
      .addColumn('material_sealed', binary(db))
      .addColumn('public_key', binary(db))
      .addColumn('imported', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('expiration_model', 'text')
      .addColumn('description', 'text')
      .addColumn('rotation_type', 'text')
      .addColumn('rotated_at', 'text')
      .addPrimaryKeyConstraint('kms_key_materials_b_pk', ['key_arn', 'version'])
      .execute();
    await tx.insertInto('kms_key_materials_b').columns([...KEPT_COLUMNS])
      .expression(tx.selectFrom('kms_key_materials').select([...KEPT_COLUMNS]))
      .execute();
    await tx.schema.dropTable('kms_key_materials').execute();
    await tx.schema.alterTable('kms_key_materials_b').renameTo('kms_key_materials').execute();
    // The import expiry sweep looks for imported material whose ValidTo has passed.
    await tx.schema.createIndex('kms_key_materials_by_expiry').on('kms_key_materials').column('expires_at').execute();

    // The automatic rotation job looks for keys whose next rotation date has come.
    await tx.schema.createIndex('kms_keys_by_rotation').on('kms_keys').column('next_rotation_date').execute();

    await tx.schema
      .createTable('kms_grants')
      .addColumn('grant_id', 'text', (c) => c.primaryKey())
      .addColumn('key_arn', 'text', (c) => c.notNull().references('kms_keys.arn'))
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('grantee_principal', 'text')
      .addColumn('grantee_service_principal', 'text')
      .addColumn('retiring_principal', 'text')
      .addColumn('retiring_service_principal', 'text')
      .addColumn('issuing_account', 'text', (c) => c.notNull())
      .addColumn('operations', 'text', (c) => c.notNull())
      .addColumn('constraints', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await tx.schema.createIndex('kms_grants_by_key').on('kms_grants').columns(['key_arn', 'created_at']).execute();
    await tx.schema.createIndex('kms_grants_by_retiring').on('kms_grants').columns(['region', 'retiring_principal']).execute();
  });
}
