/**
 * Row types of the IAM and STS tables (migration 0004-iam). Booleans are integers (0/1) and
 * timestamps ISO-8601 text, the portable forms across SQLite and PostgreSQL.
 */
import type { Timestamp } from '../../store/database.js';
import type { PrincipalType } from '../../server/context.js';

/** What an attachment, inline policy or tag belongs to. */
export type EntityType = 'user' | 'group' | 'role';
export type TaggedType = 'user' | 'role' | 'policy' | 'mfa';

export interface IamUsersTable {
  /** AWS's unique id, `AIDA` + 17 base32 characters. */
  user_id: string;
  account_id: string;
  user_name: string;
  /** The lower-cased name: IAM names are unique regardless of case. */
  name_key: string;
  path: string;
  arn: string;
  permissions_boundary_arn: string | null;
  password_last_used: Timestamp | null;
  created_at: Timestamp;
}

export interface IamGroupsTable {
  group_id: string;
  account_id: string;
  group_name: string;
  name_key: string;
  path: string;
  arn: string;
  created_at: Timestamp;
}

export interface IamGroupMembersTable {
  group_id: string;
  user_id: string;
  added_at: Timestamp;
}

export interface IamRolesTable {
  role_id: string;
  account_id: string;
  role_name: string;
  name_key: string;
  path: string;
  arn: string;
  /** The trust policy (AssumeRolePolicyDocument) as the caller wrote it. */
  trust_policy: string;
  description: string | null;
  max_session_duration: number;
  permissions_boundary_arn: string | null;
  last_used_at: Timestamp | null;
  last_used_region: string | null;
  created_at: Timestamp;
}

export interface IamPoliciesTable {
  policy_id: string;
  account_id: string;
  policy_name: string;
  name_key: string;
  path: string;
  arn: string;
  description: string | null;
  default_version_id: string;
  next_version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface IamPolicyVersionsTable {
  policy_id: string;
  version_id: string;
  document: string;
  created_at: Timestamp;
}

export interface IamAttachmentsTable {
  account_id: string;
  entity_type: EntityType;
  entity_id: string;
  policy_arn: string;
  attached_at: Timestamp;
}

export interface IamInlinePoliciesTable {
  account_id: string;
  entity_type: EntityType;
  entity_id: string;
  policy_name: string;
  document: string;
}

export interface IamLoginProfilesTable {
  user_id: string;
  password_hash: string;
  password_reset_required: number;
  created_at: Timestamp;
  password_changed_at: Timestamp;
}

export interface IamMfaDevicesTable {
  serial_number: string;
  account_id: string;
  device_name: string;
  path: string;
  seed_sealed: Buffer;
  user_id: string | null;
  enabled_at: Timestamp | null;
  last_step: number | null;
  created_at: Timestamp;
}

export interface IamTagsTable {
  account_id: string;
  resource_type: TaggedType;
  resource_id: string;
  tag_key: string;
  tag_value: string;
}

export interface IamPasswordPoliciesTable {
  account_id: string;
  policy: string;
}

export interface IamAccountAliasesTable {
  alias: string;
  account_id: string;
  created_at: Timestamp;
}

export interface IamCredentialReportsTable {
  account_id: string;
  generated_at: Timestamp;
  content: string;
}

export interface StsSessionsTable {
  /** `ASIA` + 16 base32 characters. */
  access_key_id: string;
  account_id: string;
  token_hmac: string;
  secret_sealed: Buffer;
  principal_type: PrincipalType;
  principal_arn: string;
  principal_id: string;
  issuer_arn: string | null;
  user_name: string | null;
  role_id: string | null;
  user_id: string | null;
  session_name: string | null;
  session_policy: string | null;
  session_policy_arns: string | null;
  session_tags: string | null;
  source_identity: string | null;
  mfa_authenticated: number;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** The IAM/STS part of the store's `Database`. */
export interface IamTables {
  iam_users: IamUsersTable;
  iam_groups: IamGroupsTable;
  iam_group_members: IamGroupMembersTable;
  iam_roles: IamRolesTable;
  iam_policies: IamPoliciesTable;
  iam_policy_versions: IamPolicyVersionsTable;
  iam_attachments: IamAttachmentsTable;
  iam_inline_policies: IamInlinePoliciesTable;
  iam_login_profiles: IamLoginProfilesTable;
  iam_mfa_devices: IamMfaDevicesTable;
  iam_tags: IamTagsTable;
  iam_password_policies: IamPasswordPoliciesTable;
  iam_account_aliases: IamAccountAliasesTable;
  iam_credential_reports: IamCredentialReportsTable;
  sts_sessions: StsSessionsTable;
}
