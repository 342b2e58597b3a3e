import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../errors.js';
import { limitsFrom, RequestLimits } from './quotas.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof AwsError);
    return `${err.code} ${err.status} ${err.message}`;
  }
}

describe('request limits', () => {
  it("defaults to AWS's shared quotas and reads the COFFER_ settings", () => {
    assert.deepEqual(limitsFrom({}), { kmsCryptoRps: 5500, kmsAsymmetricRps: 500, s3MaxInflight: 256 });
    assert.deepEqual(limitsFrom({ COFFER_KMS_CRYPTO_RPS: '10', COFFER_KMS_ASYMMETRIC_RPS: '0', COFFER_S3_MAX_INFLIGHT: '3' }), { kmsCryptoRps: 10, kmsAsymmetricRps: 0, s3MaxInflight: 3 });
    assert.throws(() => limitsFrom({ COFFER_KMS_CRYPTO_RPS: '-1' }), /COFFER_KMS_CRYPTO_RPS must be a number >= 0/);
  });

  it('throttles KMS crypto calls past the rate, per account, Region and quota, and refills', () => {
    let t = 0;
    const limits = new RequestLimits({ kmsCryptoRps: 5, kmsAsymmetricRps: 2, s3MaxInflight: 0 }, () => t);
    for (let i = 0; i < 5; i++) limits.charge('kms', i % 2 ? 'Encrypt' : 'GenerateDataKey', '111111111111', 'us-east-1');
    assert.equal(code(() => limits.charge('kms', 'Decrypt', '111111111111', 'us-east-1')), 'ThrottlingException 400 Rate exceeded');
    // Other accounts, Regions, quotas and operations are not affected.
    limits.charge('kms', 'Decrypt', '222222222222', 'us-east-1');
    limits.charge('kms', 'Decrypt', '111111111111', 'eu-west-1');
    limits.charge('kms', 'Sign', '111111111111', 'us-east-1');
    limits.charge('kms', 'Sign', '111111111111', 'us-east-1');
    assert.match(code(() => limits.charge('kms', 'Verify', '111111111111', 'us-east-1'))!, /^ThrottlingException/);
    for (let i = 0; i < 100; i++) limits.charge('kms', 'DescribeKey', '111111111111', 'us-east-1');
    limits.charge('s3', 'Decrypt', '111111111111', 'us-east-1');
    t += 200; // a fifth of a second refills one token of five
    limits.charge('kms', 'Decrypt', '111111111111', 'us-east-1');
    assert.match(code(() => limits.charge('kms', 'Decrypt', '111111111111', 'us-east-1'))!, /^ThrottlingException/);
    t += 10_000; // never more than one second's worth
    for (let i = 0; i < 5; i++) limits.charge('kms', 'Decrypt', '111111111111', 'us-east-1');
    assert.match(code(() => limits.charge('kms', 'Decrypt', '111111111111', 'us-east-1'))!, /^ThrottlingException/);
  });

  it('a quota of 0 is off', () => {
    const limits = new RequestLimits({ kmsCryptoRps: 0, kmsAsymmetricRps: 0, s3MaxInflight: 0 });
    for (let i = 0; i < 10_000; i++) limits.charge('kms', 'Encrypt', '111111111111', 'us-east-1');
    for (let i = 0; i < 10_000; i++) limits.enterS3();
  });

  it('keeps a bounded number of buckets however many Regions callers name', () => {
    let t = 0;
    const limits = new RequestLimits({ kmsCryptoRps: 1, kmsAsymmetricRps: 1, s3MaxInflight: 0 }, () => t);
    for (let i = 0; i < 50_000; i++) {
      t += 1;
      limits.charge('kms', 'Encrypt', '111111111111', `region-${i}`);
    }
    assert.ok((limits as unknown as { buckets: Map<string, unknown> }).buckets.size <= 10_000);
  });

  it('admits S3 requests up to the limit, answers SlowDown past it, and releases once', () => {
    const limits = new RequestLimits({ kmsCryptoRps: 0, kmsAsymmetricRps: 0, s3MaxInflight: 2 });
    const a = limits.enterS3();
    const b = limits.enterS3();
    assert.equal(code(() => limits.enterS3()), 'SlowDown 503 Please reduce your request rate.');
    a();
    a();
    assert.equal(limits.s3Active, 1, 'a double release must not free a second slot');
    const c = limits.enterS3();
    b();
    c();
    assert.equal(limits.s3Active, 0);
  });
});
