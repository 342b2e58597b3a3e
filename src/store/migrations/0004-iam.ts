/**
 * IAM and STS tables: users, groups, roles, customer managed policies and their versions, policy
 * attachments, inline policies, login profiles, virtual MFA devices, tags, the account password
 * policy, account aliases, credential reports, and STS sessions (temporary credentials).
 *
 * Entities are keyed by AWS's unique ids (AIDA..., AGPA..., AROA..., ANPA...), which survive a
 * rename; `name_key` (the lower-cased name) carries IAM's case-insensitive name uniqueness. AWS
 * managed policies live in code (services/iam/managed-policies.ts), so attachments refer to
 * policies by ARN. Portable across SQLite and PostgreSQL: schema builder only, ISO-8601 text
 * timestamps, integers for booleans, the dialect's own binary type for sealed secrets.
 */
import { PostgresAdapter, type Kysely } from 'kysely';

/** `bytea` on PostgreSQL, `blob` on SQLite (see 0001-identity). */
function binary(db: Kysely<any>): 'bytea' | 'blob' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'bytea' : 'blob';
}

// Migrations run against whatever schema existed at the time, not today's `Database`, hence `any`.
// The Migrator already runs each migration in one transaction (both dialects have transactional DDL).
export async function up(tx: Kysely<any>): Promise<void> {
  await tx.schema.createTable('iam_users')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('permissions_boundary_arn', 'text')
    .addColumn('password_last_used', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('iam_users_name', ['account_id', 'name_key'])
    .execute();

  await tx.schema.createTable('iam_groups')
    .addColumn('group_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('iam_groups_name', ['account_id', 'name_key'])
    .execute();

  await tx.schema.createTable('iam_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('iam_groups.group_id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('iam_users.user_id'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_group_members_pk', ['group_id', 'user_id'])
    .execute();
  await tx.schema.createIndex('iam_group_members_by_user').on('iam_group_members').columns(['user_id']).execute();

  await tx.schema.createTable('iam_roles')
    .addColumn('role_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('role_name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull())
    .addColumn('trust_policy', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('max_session_duration', 'integer', (c) => c.notNull())
    .addColumn('permissions_boundary_arn', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('last_used_region', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('iam_roles_name', ['account_id', 'name_key'])
    .execute();

  await tx.schema.createTable('iam_policies')
    .addColumn('policy_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('policy_name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('arn', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('default_version_id', 'text', (c) => c.notNull())
    // Version ids are never reused (v1, v2, ... even after deletions), as in AWS.
    .addColumn('next_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('iam_policies_name', ['account_id', 'name_key'])
    .execute();

  await tx.schema.createTable('iam_policy_versions')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('iam_policies.policy_id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_policy_versions_pk', ['policy_id', 'version_id'])
    .execute();

  // entity_type: 'user' | 'group' | 'role'; entity_id the entity's unique id.
  await tx.schema.createTable('iam_attachments')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('policy_arn', 'text', (c) => c.notNull())
    .addColumn('attached_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_attachments_pk', ['entity_type', 'entity_id', 'policy_arn'])
    .execute();
  await tx.schema.createIndex('iam_attachments_by_policy').on('iam_attachments').columns(['account_id', 'policy_arn']).execute();

  await tx.schema.createTable('iam_inline_policies')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('policy_name', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_inline_policies_pk', ['entity_type', 'entity_id', 'policy_name'])
    .execute();

  await tx.schema.createTable('iam_login_profiles')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('iam_users.user_id'))
    // scrypt hash: `scrypt$N$r$p$<salt b64>$<hash b64>`; the password itself is never stored.
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('password_reset_required', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('password_changed_at', 'text', (c) => c.notNull())
    .execute();

  await tx.schema.createTable('iam_mfa_devices')
    .addColumn('serial_number', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    // The TOTP seed sealed by the root key, AAD `iam_mfa_devices/<serial>/seed`.
    .addColumn('seed_sealed', binary(tx), (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('iam_users.user_id'))
    .addColumn('enabled_at', 'text')
    // The last TOTP time step accepted: a code is good once.
    .addColumn('last_step', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await tx.schema.createIndex('iam_mfa_devices_by_user').on('iam_mfa_devices').columns(['user_id']).execute();

  // resource_type: 'user' | 'role' | 'policy' | 'mfa'; resource_id the entity's id (serial for MFA).
  await tx.schema.createTable('iam_tags')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('iam_tags_pk', ['resource_type', 'resource_id', 'tag_key'])
    .execute();

  await tx.schema.createTable('iam_password_policies')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    // The PasswordPolicy structure as JSON: one document, read and written whole.
    .addColumn('policy', 'text', (c) => c.notNull())
    .execute();

  await tx.schema.createTable('iam_account_aliases')
    // Aliases are unique across all accounts, as AWS's sign-in URLs need them to be.
    .addColumn('alias', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().unique().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await tx.schema.createTable('iam_credential_reports')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .execute();

  await tx.schema.createTable('sts_sessions')
    .addColumn('access_key_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    // HMAC-SHA256 (hex) of the session token under a sealed server key: the token is never stored.
    .addColumn('token_hmac', 'text', (c) => c.notNull())
    // The session's secret access key sealed by the root key, AAD `sts_sessions/<id>/secret`.
    .addColumn('secret_sealed', binary(tx), (c) => c.notNull())
    .addColumn('principal_type', 'text', (c) => c.notNull())
    .addColumn('principal_arn', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    // The role (with its path) an assumed-role session came from: resource policies naming the role match it.
    .addColumn('issuer_arn', 'text')
    .addColumn('user_name', 'text')
    // The role assumed (AssumeRole) or the user whose session it is (GetSessionToken).
    .addColumn('role_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('session_name', 'text')
    .addColumn('session_policy', 'text')
    // JSON array of managed policy ARNs passed as session policies.
    .addColumn('session_policy_arns', 'text')
    // JSON object of session tags.
    .addColumn('session_tags', 'text')
    .addColumn('source_identity', 'text')
    .addColumn('mfa_authenticated', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await tx.schema.createIndex('sts_sessions_by_expiry').on('sts_sessions').columns(['expires_at']).execute();
}
