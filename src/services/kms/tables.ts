/**
 * Row types of the KMS tables (migrations 0002-kms and 0007-kms-b). See the design note in key-store.ts.
 * Booleans are integers 0/1 (SQLite has no boolean type); timestamps ISO-8601 text.
 */
import type { Timestamp } from '../../store/database.js';

export interface KmsKeysTable {
  /** `arn:aws:kms:<region>:<account>:key/<key_id>`: the identity every other table refers to. */
  arn: string;
  account_id: string;
  region: string;
  /** A UUID, or `mrk-` + 32 hex digits for multi-Region keys (shared by all replicas). */
  key_id: string;
  key_spec: string;
  key_usage: string;
  key_state: string;
  origin: string;
  key_manager: 'AWS' | 'CUSTOMER';
  multi_region: number;
  /** Multi-Region keys: the Region of the primary (this row's own Region for the primary). */
  primary_region: string | null;
  description: string;
  /** The key policy document as stored (validated when put). */
  policy: string;
  created_at: Timestamp;
  /** PendingDeletion only: when the sweep destroys the key. */
  deletion_date: Timestamp | null;
  pending_window_days: number | null;
  /** The material new ciphertexts use; null while the key has none (PendingImport). */
  current_material_version: number | null;
  /** Imported material (part B): KEY_MATERIAL_EXPIRES / KEY_MATERIAL_DOES_NOT_EXPIRE, and ValidTo. */
  expiration_model: string | null;
  valid_to: Timestamp | null;
  /** Automatic rotation (part B): null when disabled. */
  rotation_period_days: number | null;
  next_rotation_date: Timestamp | null;
  /** GetKeyLastUsage: the last successful cryptographic operation (written in batches). */
  last_used_at: Timestamp | null;
  last_used_operation: string | null;
  last_used_request_id: string | null;
}

export interface KmsKeyMaterialsTable {
  key_arn: string;
  /** 1, 2, ...: the version symmetric ciphertext blobs name. */
  version: number;
  /** AWS's KeyMaterialId: 64 lower-case hex characters. */
  material_id: string;
  /**
   * The secret (32 bytes, HMAC key, or PKCS#8 DER private key) sealed under AAD
   * `kms/<arn>/material/<version>`; null while imported material is deleted, expired, or not yet
   * imported into a replica (ListKeyRotations ImportState PENDING_IMPORT).
   */
  material_sealed: Buffer | null;
  /** Asymmetric keys: the SubjectPublicKeyInfo DER (public, stored in the clear). */
  public_key: Buffer | null;
  imported: number;
  created_at: Timestamp;
  /** Imported material with KEY_MATERIAL_EXPIRES: its ValidTo. */
  expires_at: Timestamp | null;
  /** Imported material: KEY_MATERIAL_EXPIRES / KEY_MATERIAL_DOES_NOT_EXPIRE. */
  expiration_model: string | null;
  /** Imported symmetric material: KeyMaterialDescription. */
  description: string | null;
  /** AUTOMATIC / ON_DEMAND for versions made by rotation; null for the first material and pending imports. */
  rotation_type: string | null;
  /** When the rotation to this version completed (ListKeyRotations RotationDate). */
  rotated_at: Timestamp | null;
}

export interface KmsAliasesTable {
  account_id: string;
  region: string;
  /** `alias/...`, unique per account and Region. */
  alias_name: string;
  target_key_arn: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface KmsTagsTable {
  key_arn: string;
  tag_key: string;
  tag_value: string;
}

/** A grant on a key (CreateGrant); `operations` and `constraints` are JSON. */
export interface KmsGrantsTable {
  /** 64 lower-case hex characters. */
  grant_id: string;
  key_arn: string;
  /** The key's Region (ListRetirableGrants lists a Region's grants). */
  region: string;
  name: string | null;
  grantee_principal: string | null;
  grantee_service_principal: string | null;
  retiring_principal: string | null;
  retiring_service_principal: string | null;
  /** `arn:aws:iam::<account>:root` of the caller that created the grant. */
  issuing_account: string;
  /** JSON array of GrantOperation names, in the order given. */
  operations: string;
  /** JSON GrantConstraints, or null. */
  constraints: string | null;
  created_at: Timestamp;
}
