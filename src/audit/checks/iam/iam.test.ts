/** IAM checks on recorded inventories: one PASS and one FAIL case each. */
import { describe } from 'node:test';
import type { Inventory, ManagedPolicy, PolicyDocument } from '../../inventory.js';
import { checkCases } from '../../testing/cases.js';
import { ACCOUNT, daysAgo, ok, reportRow, user, type CheckCase } from '../../testing/fixtures.js';

const iam = (inv: Inventory) => inv.iam!;
const rows = (inv: Inventory) => (iam(inv).credentialReport as { ok: true; value: { rows: Array<Record<string, string>> } }).value.rows;
const root = (inv: Inventory) => rows(inv)[0]!;
const addRow = (inv: Inventory, name: string, over: Record<string, string>) => rows(inv).push(reportRow(name, over));
const doc = (statement: Record<string, unknown>): PolicyDocument => ({ Version: '2012-10-17', Statement: [statement] });
const ADMIN = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
const READ = doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' });
const managed = (name: string, document: PolicyDocument, attachmentCount = 1, arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`): ManagedPolicy =>
  ({ name, arn, attachmentCount, document: ok(document) });
const awsPolicy = (name: string) => ({ name, arn: `arn:aws:iam::aws:policy/${name}` });
const role = (name: string, over: Record<string, unknown> = {}) => ({
  name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, path: '/', attachedPolicies: ok([]), inlinePolicies: ok([]), ...over,
});
const setUsers = (inv: Inventory, ...users: ReturnType<typeof user>[]) => (iam(inv).users = ok(users));
const setPolicy = (inv: Inventory, change: Record<string, unknown>) => {
  const p = iam(inv).passwordPolicy as { ok: true; value: Record<string, unknown> };
  Object.assign(p.value, change);
};
const key1 = (rotated: number, used?: number) => ({
  access_key_1_active: 'true', access_key_1_last_rotated: daysAgo(rotated), access_key_1_last_used_date: used === undefined ? 'N/A' : daysAgo(used),
});

function passwordCase(id: string, bad: Record<string, unknown>): CheckCase {
  return { id, pass: () => {}, fail: (inv) => setPolicy(inv, bad) };
}

function adminAttachCase(id: string, kind: 'users' | 'groups' | 'roles'): CheckCase {
  const entity = (attached: Array<{ name: string; arn: string }>) => ({ ...role('x'), arn: `arn:aws:iam::${ACCOUNT}:${kind.slice(0, -1)}/x`, attachedPolicies: ok(attached), mfaDevices: ok([]) });
  return {
    id,
    pass: (inv) => void (iam(inv)[kind] = ok([entity([awsPolicy('ReadOnlyAccess')])]) as never),
    fail: (inv) => void (iam(inv)[kind] = ok([entity([awsPolicy('AdministratorAccess')])]) as never),
  };
}

const CASES: CheckCase[] = [
  { id: 'iam_root_mfa_enabled', pass: () => {}, fail: (inv) => void (iam(inv).summary = ok({ AccountMFAEnabled: 0 })) },
  {
    id: 'iam_root_hardware_mfa_enabled', pass: () => {},
    fail: (inv) => void (iam(inv).virtualMfaDevices = ok([{ serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/root`, userArn: `arn:aws:iam::${ACCOUNT}:root` }])),
  },
  { id: 'iam_no_root_access_key', pass: () => {}, fail: (inv) => Object.assign(root(inv), key1(10, 1)) },
  { id: 'iam_avoid_root_usage', pass: (inv) => Object.assign(root(inv), key1(100, 30)), fail: (inv) => Object.assign(root(inv), key1(100, 0)) },
  {
    id: 'iam_user_mfa_enabled_console_access',
    pass: (inv) => addRow(inv, 'alice', { password_enabled: 'true', mfa_active: 'true' }),
    fail: (inv) => addRow(inv, 'alice', { password_enabled: 'true', mfa_active: 'false' }),
  },
  {
    id: 'iam_user_hardware_mfa_enabled',
    pass: (inv) => setUsers(inv, user('alice', { mfaDevices: ok([{ serialNumber: 'GAHT12345678' }]) })),
    fail: (inv) => setUsers(inv, user('alice', { mfaDevices: ok([{ serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice` }]) })),
  },
  // CIS 1.12: a key never used counts from its creation.
  { id: 'iam_user_accesskey_unused', pass: (inv) => addRow(inv, 'alice', key1(100, 10)), fail: (inv) => addRow(inv, 'alice', key1(46)) },
  {
    id: 'iam_user_console_access_unused',
    pass: (inv) => addRow(inv, 'alice', { password_enabled: 'true', password_last_used: daysAgo(3), password_last_changed: daysAgo(200) }),
    fail: (inv) => addRow(inv, 'alice', { password_enabled: 'true', password_last_used: daysAgo(60), password_last_changed: daysAgo(200) }),
  },
  { id: 'iam_rotate_access_key_90_days', pass: (inv) => addRow(inv, 'alice', key1(89, 1)), fail: (inv) => addRow(inv, 'alice', key1(91, 1)) },
  {
    id: 'iam_user_two_active_access_key',
    pass: (inv) => addRow(inv, 'alice', key1(10, 1)),
    fail: (inv) => addRow(inv, 'alice', { ...key1(10, 1), access_key_2_active: 'true', access_key_2_last_rotated: daysAgo(5) }),
  },
  {
    id: 'iam_user_no_setup_initial_access_key',
    pass: (inv) => addRow(inv, 'alice', { password_enabled: 'true', ...key1(10, 1) }),
    fail: (inv) => addRow(inv, 'alice', { password_enabled: 'true', ...key1(10) }),
  },
  {
    id: 'iam_policy_attached_only_to_group_or_roles',
    pass: (inv) => setUsers(inv, user('alice')),
    fail: (inv) => setUsers(inv, user('alice', { inlinePolicies: ok([{ name: 'mine', document: READ }]) })),
  },
  {
    id: 'iam_aws_attached_policy_no_administrative_privileges',
    pass: (inv) => void (iam(inv).awsAttachedPolicies = ok([managed('ReadOnlyAccess', READ, 1, 'arn:aws:iam::aws:policy/ReadOnlyAccess')])),
    fail: (inv) => void (iam(inv).awsAttachedPolicies = ok([managed('AdministratorAccess', ADMIN, 1, 'arn:aws:iam::aws:policy/AdministratorAccess')])),
  },
  {
    id: 'iam_customer_attached_policy_no_administrative_privileges',
    pass: (inv) => void (iam(inv).customerPolicies = ok([managed('read', READ), managed('admin-unused', ADMIN, 0)])),
    fail: (inv) => void (iam(inv).customerPolicies = ok([managed('admin', doc({ Effect: 'Allow', Action: '*:*', Resource: ['*'] }))])),
  },
  {
    id: 'iam_customer_unattached_policy_no_administrative_privileges',
    pass: (inv) => void (iam(inv).customerPolicies = ok([managed('read', READ, 0), managed('admin-used', ADMIN, 1)])),
    fail: (inv) => void (iam(inv).customerPolicies = ok([managed('admin', ADMIN, 0)])),
  },
  {
    id: 'iam_inline_policy_no_administrative_privileges',
    pass: (inv) => void (iam(inv).roles = ok([role('app', { inlinePolicies: ok([{ name: 'read', document: READ }]) })])),
    fail: (inv) => void (iam(inv).groups = ok([{ ...role('ops'), arn: `arn:aws:iam::${ACCOUNT}:group/ops`, inlinePolicies: ok([{ name: 'all', document: ADMIN }]) }])),
  },
  { id: 'iam_support_role_created', pass: () => {}, fail: (inv) => void (iam(inv).roles = ok([role('other')])) },
  { id: 'iam_securityaudit_role_created', pass: () => {}, fail: (inv) => void (iam(inv).roles = ok([role('other')])) },
  {
    id: 'iam_policy_cloudshell_admin_not_attached', pass: () => {},
    fail: (inv) => void (iam(inv).groups = ok([{ ...role('devs'), arn: `arn:aws:iam::${ACCOUNT}:group/devs`, attachedPolicies: ok([awsPolicy('AWSCloudShellFullAccess')]) }])),
  },
  adminAttachCase('iam_user_administrator_access_policy', 'users'),
  adminAttachCase('iam_group_administrator_access_policy', 'groups'),
  adminAttachCase('iam_role_administratoraccess_policy', 'roles'),
  {
    id: 'iam_policy_no_full_access_to_kms',
    pass: (inv) => void (iam(inv).customerPolicies = ok([managed('use', doc({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' }))])),
    fail: (inv) => void (iam(inv).customerPolicies = ok([managed('all', doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }))])),
  },
  {
    id: 'iam_inline_policy_no_full_access_to_kms',
    pass: (inv) => setUsers(inv, user('alice', { inlinePolicies: ok([{ name: 'use', document: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }) }]) })),
    fail: (inv) => setUsers(inv, user('alice', { inlinePolicies: ok([{ name: 'all', document: doc({ Effect: 'Allow', Action: ['KMS:*'], Resource: '*' }) }]) })),
  },
  {
    id: 'iam_policy_no_full_access_to_cloudtrail',
    pass: (inv) => void (iam(inv).customerPolicies = ok([managed('read', doc({ Effect: 'Allow', Action: 'cloudtrail:Describe*', Resource: '*' }))])),
    fail: (inv) => void (iam(inv).customerPolicies = ok([managed('all', doc({ Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' }))])),
  },
  {
    id: 'iam_inline_policy_no_full_access_to_cloudtrail',
    pass: (inv) => void (iam(inv).roles = ok([role('r', { inlinePolicies: ok([{ name: 'deny', document: doc({ Effect: 'Deny', Action: 'cloudtrail:*', Resource: '*' }) }]) })])),
    fail: (inv) => void (iam(inv).roles = ok([role('r', { inlinePolicies: ok([{ name: 'all', document: doc({ Effect: 'Allow', Action: 'cloudtrail:*', Resource: '*' }) }]) })])),
  },
  {
    id: 'iam_no_custom_policy_permissive_role_assumption',
    pass: (inv) => void (iam(inv).customerPolicies = ok([managed('one', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/deploy` }))])),
    fail: (inv) => void (iam(inv).customerPolicies = ok([managed('any', doc({ Effect: 'Allow', Action: 'sts:Assume*', Resource: '*' }))])),
  },
  {
    id: 'iam_role_cross_service_confused_deputy_prevention',
    pass: (inv) => void (iam(inv).roles = ok([role('svc', { trustPolicy: doc({ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }) })])),
    fail: (inv) => void (iam(inv).roles = ok([role('svc', { trustPolicy: doc({ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' }) })])),
  },
  {
    id: 'iam_role_cross_account_readonlyaccess_policy',
    pass: (inv) => void (iam(inv).roles = ok([role('ro', { attachedPolicies: ok([awsPolicy('ReadOnlyAccess')]), trustPolicy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }) })])),
    fail: (inv) => void (iam(inv).roles = ok([role('ro', { attachedPolicies: ok([awsPolicy('ReadOnlyAccess')]), trustPolicy: doc({ Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'sts:AssumeRole' }) })])),
  },
  {
    id: 'iam_no_expired_server_certificates_stored',
    pass: (inv) => void (iam(inv).serverCertificates = ok([{ name: 'web', arn: `arn:aws:iam::${ACCOUNT}:server-certificate/web`, expiration: '2030-01-01T00:00:00.000Z' }])),
    fail: (inv) => void (iam(inv).serverCertificates = ok([{ name: 'old', arn: `arn:aws:iam::${ACCOUNT}:server-certificate/old`, expiration: '2020-01-01T00:00:00.000Z' }])),
  },
  passwordCase('iam_password_policy_minimum_length_14', { minimumPasswordLength: 12 }),
  passwordCase('iam_password_policy_reuse_24', { passwordReusePrevention: 5 }),
  passwordCase('iam_password_policy_lowercase', { requireLowercaseCharacters: false }),
  passwordCase('iam_password_policy_uppercase', { requireUppercaseCharacters: false }),
  passwordCase('iam_password_policy_number', { requireNumbers: false }),
  passwordCase('iam_password_policy_symbol', { requireSymbols: false }),
  passwordCase('iam_password_policy_expires_passwords_within_90_days_or_less', { maxPasswordAge: 180 }),
];

describe('IAM checks', () => checkCases(['iam'], CASES));
