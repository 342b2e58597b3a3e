/** S3 checks on recorded inventories: one PASS and one FAIL case each, publicness decided by S3's own rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bucket, Inventory, PublicAccessBlock } from '../../inventory.js';
import { checkCases } from '../../testing/cases.js';
import { ACCOUNT, bucket, cleanInventory, ok, results, type CheckCase } from '../../testing/fixtures.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const OFF: PublicAccessBlock = { blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false };

/** Replaces the buckets with one built from `over`, with no Block Public Access anywhere. */
function only(inv: Inventory, over: Partial<Bucket>, blocks = false): void {
  inv.s3!.buckets = ok([bucket('data', { ...(blocks ? {} : { publicAccessBlock: ok(null) }), ...over })]);
  if (!blocks) inv.s3!.accountPublicAccessBlock = ok(null);
}

const grant = (uri: string, permission: string) => ({ granteeType: 'Group', uri, permission });
const acl = (...extra: ReturnType<typeof grant>[]) => ok({ ownerId: 'owner', grants: [{ granteeType: 'CanonicalUser', id: 'owner', permission: 'FULL_CONTROL' }, ...extra] });
const policy = (...statements: Array<Record<string, unknown>>) => ok({ Version: '2012-10-17', Statement: statements });
const PUBLIC_READ = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' };
const PUBLIC_WRITE = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::data/*' };
// Principal "*" pinned to one source VPC: not public, as S3 judges it.
const PINNED = { ...PUBLIC_WRITE, Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1234' } } };

const setting = (name: keyof Bucket, good: unknown, bad: unknown): CheckCase => ({
  id: '', pass: (inv) => only(inv, { [name]: ok(good) } as Partial<Bucket>, true), fail: (inv) => only(inv, { [name]: ok(bad) } as Partial<Bucket>, true),
});

const CASES: CheckCase[] = [
  { id: 's3_account_level_public_access_blocks', pass: () => {}, fail: (inv) => void (inv.s3!.accountPublicAccessBlock = ok({ ...OFF, ignorePublicAcls: true })) },
  {
    id: 's3_bucket_level_public_access_block',
    // The account setting covers a bucket that has none of its own.
    pass: (inv) => void (inv.s3!.buckets = ok([bucket('data', { publicAccessBlock: ok(null) })])),
    fail: (inv) => only(inv, {}),
  },
  { id: 's3_bucket_public_access', pass: (inv) => only(inv, { acl: acl(), policy: policy(PINNED) }), fail: (inv) => only(inv, { policy: policy(PUBLIC_READ) }) },
  { id: 's3_bucket_public_list_acl', pass: (inv) => only(inv, { acl: acl(grant(ALL_USERS, 'WRITE')) }), fail: (inv) => only(inv, { acl: acl(grant(AUTHENTICATED, 'READ')) }) },
  { id: 's3_bucket_public_write_acl', pass: (inv) => only(inv, { acl: acl(grant(ALL_USERS, 'READ')) }), fail: (inv) => only(inv, { acl: acl(grant(ALL_USERS, 'WRITE_ACP')) }) },
  { id: 's3_bucket_policy_public_write_access', pass: (inv) => only(inv, { policy: policy(PUBLIC_READ, PINNED) }), fail: (inv) => only(inv, { policy: policy(PUBLIC_WRITE) }) },
  {
    id: 's3_bucket_cross_account_access',
    pass: (inv) => only(inv, { policy: policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` }, Action: 's3:GetObject', Resource: '*' }) }),
    fail: (inv) => only(inv, { policy: policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 's3:GetObject', Resource: '*' }) }),
  },
  {
    id: 's3_bucket_secure_transport_policy',
    pass: () => {},
    // A Deny on plain HTTP for GetObject only still lets writes through in clear text.
    fail: (inv) => only(inv, { policy: policy({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) }, true),
  },
  { ...setting('versioning', { status: 'Enabled' }, { status: 'Suspended' }), id: 's3_bucket_object_versioning' },
  { ...setting('versioning', { status: 'Enabled', mfaDelete: 'Enabled' }, { status: 'Enabled', mfaDelete: 'Disabled' }), id: 's3_bucket_no_mfa_delete' },
  { ...setting('logging', { targetBucket: 'logs' }, null), id: 's3_bucket_server_access_logging_enabled' },
  { ...setting('ownership', 'BucketOwnerEnforced', 'ObjectWriter'), id: 's3_bucket_acl_prohibited' },
  { ...setting('encryption', [{ algorithm: 'aws:kms:dsse' }], [{ algorithm: 'AES256' }]), id: 's3_bucket_kms_encryption' },
  { ...setting('objectLock', true, false), id: 's3_bucket_object_lock' },
  { ...setting('lifecycleRules', 2, 0), id: 's3_bucket_lifecycle_enabled' },
];

describe('S3 checks', () => {
  checkCases(['s3'], CASES);

  it('lets Block Public Access overrule a public ACL or policy, as S3 does', () => {
    const inv = cleanInventory();
    only(inv, { acl: acl(grant(ALL_USERS, 'READ')), policy: policy(PUBLIC_READ) }, true);
    assert.deepEqual(results('s3_bucket_public_access', inv).map((r) => r.status), ['PASS']);
    inv.s3!.buckets = ok([bucket('data', { acl: acl(grant(ALL_USERS, 'READ')), publicAccessBlock: ok({ ...OFF, restrictPublicBuckets: true }) })]);
    inv.s3!.accountPublicAccessBlock = ok(null);
    const out = results('s3_bucket_public_access', inv);
    assert.deepEqual(out.map((r) => r.status), ['FAIL']);
    assert.match(out[0]!.message, /due to bucket ACL/);
  });

  it('says when the account-level setting that could have overruled it was unreadable', () => {
    const inv = cleanInventory();
    only(inv, { policy: policy(PUBLIC_READ) });
    inv.s3!.accountPublicAccessBlock = { ok: false, error: { operation: 'GetPublicAccessBlock (S3 Control)', code: 'ClientUnavailable', message: 'missing', kind: 'unavailable' } };
    const out = results('s3_bucket_public_access', inv);
    assert.deepEqual(out.map((r) => r.status), ['FAIL']);
    assert.match(out[0]!.message, /account-level Block Public Access could not be read/);
  });

  it('leaves publicness open (ERROR) when the ACL could not be read and the policy is private', () => {
    const inv = cleanInventory();
    only(inv, { acl: { ok: false, error: { operation: 'GetBucketAcl', code: 'AccessDenied', message: 'no', kind: 'error' } } });
    assert.deepEqual(results('s3_bucket_public_access', inv).map((r) => r.status), ['ERROR']);
  });
});
