/** KMS checks on recorded inventories: one PASS and one FAIL case each. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory, KmsKey } from '../../inventory.js';
import { checkCases } from '../../testing/cases.js';
import { cleanInventory, kmsKey, ok, REGION, results, type CheckCase } from '../../testing/fixtures.js';

const keys = (inv: Inventory, ...list: KmsKey[]) => void (inv.kms![REGION] = ok(list));
const open = (condition?: Record<string, unknown>) => ok({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*', ...(condition ? { Condition: condition } : {}) }],
});

const CASES: CheckCase[] = [
  {
    id: 'kms_cmk_rotation_enabled',
    // AWS managed keys and asymmetric keys are out of scope.
    pass: (inv) => keys(inv, kmsKey('a'), kmsKey('b', { manager: 'AWS', rotationEnabled: undefined }), kmsKey('c', { spec: 'RSA_2048', rotationEnabled: undefined })),
    fail: (inv) => keys(inv, kmsKey('a', { rotationEnabled: ok(false) })),
  },
  { id: 'kms_cmk_not_deleted_unintentionally', pass: (inv) => keys(inv, kmsKey('a')), fail: (inv) => keys(inv, kmsKey('a', { state: 'PendingDeletion', deletionDate: '2025-07-01T00:00:00.000Z' })) },
  { id: 'kms_cmk_are_used', pass: (inv) => keys(inv, kmsKey('a'), kmsKey('b', { state: 'PendingDeletion' })), fail: (inv) => keys(inv, kmsKey('a', { state: 'Disabled' })) },
  { id: 'kms_cmk_not_multi_region', pass: (inv) => keys(inv, kmsKey('a')), fail: (inv) => keys(inv, kmsKey('mrk-a', { multiRegion: true })) },
  {
    id: 'kms_key_not_publicly_accessible',
    pass: (inv) => keys(inv, kmsKey('a', { policy: open({ StringEquals: { 'kms:CallerAccount': '111122223333' } }) })),
    fail: (inv) => keys(inv, kmsKey('a', { policy: open() })),
  },
];

describe('KMS checks', () => {
  checkCases(['kms'], CASES);

  it('judges the keys it could read and reports ERROR for one it could not describe', () => {
    const inv = cleanInventory();
    keys(inv, kmsKey('a', { rotationEnabled: ok(false) }), {
      id: 'locked', arn: 'arn:aws:kms:us-east-1:111122223333:key/locked', region: REGION, manager: 'CUSTOMER', state: '', multiRegion: false,
      describeError: { operation: 'DescribeKey', code: 'AccessDeniedException', message: 'no', kind: 'error' },
    });
    assert.deepEqual(results('kms_cmk_rotation_enabled', inv).map((r) => [r.resource.name, r.status]), [['a', 'FAIL'], ['locked', 'ERROR']]);
  });
});
