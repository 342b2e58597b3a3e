import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../../../errors.js';
import { checkPolicy, parsePolicy } from './post-policy.js';

const b64 = (doc: unknown) => Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)).toString('base64');
const NOW = new Date('2026-01-01T00:00:00Z');
const LATER = '2026-01-01T01:00:00Z';

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

function check(conditions: unknown[], fields: Record<string, string>, names: Record<string, string> = {}) {
  const policy = parsePolicy(b64({ expiration: LATER, conditions }));
  const map = new Map(Object.entries(fields));
  const spelled = new Map(Object.keys(fields).map((k) => [k, names[k] ?? k]));
  return checkPolicy(policy, map, spelled, NOW);
}

describe('POST policy documents', () => {
  it('refuses documents S3 cannot read, with its messages', () => {
    for (const [doc, message] of [
      ['{not json', 'Invalid Policy: Invalid JSON.'],
      [{ conditions: [] }, 'Invalid Policy: Policy missing expiration.'],
      [{ expiration: LATER }, 'Invalid Policy: Policy missing conditions.'],
      [{ expiration: LATER, conditions: {} }, "Invalid Policy: Invalid 'conditions' value: must be a List."],
      [{ expiration: '2015-10-17 03:15:59 UTC', conditions: [] }, "Invalid Policy: Invalid 'expiration' value: '2015-10-17 03:15:59 UTC'"],
      [{ expiration: '2011-09-13T07:52:58+02:00', conditions: [] }, "Invalid Policy: Invalid 'expiration' value: '2011-09-13T07:52:58+02:00'"],
      [{ Statement: [], expiration: LATER, conditions: [] }, "Invalid Policy: Unexpected: 'statement'"],
      [{ expiration: LATER, conditions: [{ a: 'x', b: 'y' }] }, 'Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.'],
      [{ expiration: LATER, conditions: [{ 'Content-Length': 5 }] }, 'Invalid Policy: Invalid Simple-Condition: value must be a string.'],
      [{ expiration: LATER, conditions: [{ success_action_redirect: null }] }, 'Invalid Policy: Invalid JSON.'],
      [{ expiration: LATER, conditions: [['content-length-range', 0, 512.5]] }, 'Invalid Policy: Invalid JSON.'],
      [{ expiration: LATER, conditions: [[]] }, 'Invalid Policy: Invalid Condition: missing operation identifier.'],
      [{ expiration: LATER, conditions: [['matches', '$key', 'x']] }, "Invalid Policy: Invalid Condition: unknown operation 'matches'."],
      [{ expiration: LATER, conditions: [['content-length-range', 0]] }, 'Invalid Policy: Invalid content-length-range: wrong number of arguments.'],
      [{ expiration: LATER, conditions: ['key'] }, 'Invalid Policy: Invalid condition test: must be a List or Object.'],
    ] as const) {
      const err = thrown(() => parsePolicy(b64(doc)));
      assert.deepEqual([err.code, err.status, err.message], ['InvalidPolicyDocument', 400, message], JSON.stringify(doc));
    }
  });

  it('checks eq, starts-with and simple conditions, case-insensitively by name and exactly by value', () => {
    const fields = { key: 'user/a.txt', bucket: 'b', 'content-type': 'image/png,image/gif', 'x-amz-meta-tag': 'v' };
    check([{ bucket: 'b' }, ['starts-with', '$Key', 'user/'], ['StArTs-WiTh', '$CONTENT-TYPE', 'image/'], ['eq', '$x-amz-meta-tag', 'v']], fields);
    check([{ bucket: 'b' }, ['starts-with', '$key', ''], ['starts-with', '$content-type', ''], ['starts-with', '$x-amz-meta-tag', '']], fields);
    for (const [condition, printed] of [
      [['eq', '$key', 'user/A.txt'], '["eq", "$key", "user/A.txt"]'],
      [{ key: 'other' }, '["eq", "$key", "other"]'],
      [['starts-with', '$key', 'admin/'], '["starts-with", "$key", "admin/"]'],
      [['eq', 'key', 'user/a.txt'], '["eq", "key", "user/a.txt"]'],
      [['starts-with', '$content-type', 'image/png'], '["starts-with", "$content-type", "image/png"]'],
      [['eq', '$x-amz-meta-absent', ''], '["eq", "$x-amz-meta-absent", ""]'],
    ] as const) {
      const err = thrown(() => check([{ bucket: 'b' }, ['starts-with', '$key', ''], ['starts-with', '$content-type', ''], ['starts-with', '$x-amz-meta-tag', ''], condition], fields));
      assert.deepEqual([err.code, err.status, err.message], ['AccessDenied', 403, `Invalid according to Policy: Policy Condition failed: ${printed}`]);
    }
  });

  it('requires a condition for every field but the exempt ones, naming it as sent', () => {
    const fields = { key: 'k', bucket: 'b', 'x-ignore-me': '1', policy: 'p', 'x-amz-signature': 's', 'x-amz-meta-foo': 'bar' };
    const err = thrown(() => check([{ key: 'k' }, { bucket: 'b' }], fields, { 'x-amz-meta-foo': 'X-Amz-Meta-Foo' }));
    assert.equal(err.message, 'Invalid according to Policy: Extra input fields: X-Amz-Meta-Foo');
    check([{ key: 'k' }, { bucket: 'b' }, ['starts-with', '$x-amz-meta-foo', 'b']], fields);
  });

  it('returns the content-length-range, numbers or strings of digits, and fails other bounds', () => {
    assert.deepEqual(check([['content-length-range', 5, 10]], {}), { min: 5, max: 10 });
    assert.deepEqual(check([['content-length-range', '5', '10']], {}), { min: 5, max: 10 });
    const err = thrown(() => check([['content-length-range', 'test', '10']], {}));
    assert.equal(err.message, 'Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", "10"]');
  });

  it('refuses an expired policy', () => {
    const policy = parsePolicy(b64({ expiration: '2025-12-31T23:59:59.000Z', conditions: [] }));
    const err = thrown(() => checkPolicy(policy, new Map(), new Map(), NOW));
    assert.deepEqual([err.code, err.message], ['AccessDenied', 'Invalid according to Policy: Policy expired.']);
  });
});
