import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Sealer, SealError } from '../../crypto/root-key.js';
import { AwsError } from '../../errors.js';
import { customerKeyForPart, customerKeyForRead, customerKeyForWrite, newSseCKey, openSseCKey } from './sse-c.js';

const key = randomBytes(32);
const b64 = key.toString('base64');
const md5 = createHash('md5').update(key).digest('base64');
const code = (fn: () => unknown): [string, number | undefined, string] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    return [err.code, err.status, err.message];
  }
  throw new Error('expected an error');
};

describe('SSE-C', () => {
  it('a write checks the MD5 before the key length, as AWS does', () => {
    const short = randomBytes(24);
    assert.equal(code(() => customerKeyForWrite({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: short.toString('base64'), SSECustomerKeyMD5: md5 }, undefined))[2],
      'The calculated MD5 hash of the key did not match the hash that was provided.');
    const shortMd5 = createHash('md5').update(short).digest('base64');
    assert.equal(code(() => customerKeyForWrite({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: short.toString('base64'), SSECustomerKeyMD5: shortMd5 }, undefined))[2],
      'The secret key was invalid for the specified algorithm.');
    assert.equal(code(() => customerKeyForWrite({ SSECustomerKeyMD5: md5 }, undefined))[2],
      'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.');
    assert.equal(customerKeyForWrite({}, 'aws:kms'), undefined);
  });

  it('the key is never stored: the descriptor opens only with it, and a wrong key is a 403 (a copy source: Access Denied)', () => {
    const root = new Sealer(randomBytes(32));
    const customer = customerKeyForWrite({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64, SSECustomerKeyMD5: md5 }, undefined)!;
    const { key: dataKey, descriptor } = newSseCKey(root, 'obj-1', customer);
    const stored = JSON.stringify(descriptor);
    for (const form of [key.toString('base64'), key.toString('hex')]) assert.equal(stored.includes(form), false);
    assert.equal(descriptor.keyMd5, md5);
    const again = customerKeyForRead({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64 }, descriptor);
    assert.ok(openSseCKey(root, 'obj-1', descriptor, again).equals(dataKey));
    assert.throws(() => openSseCKey(root, 'obj-2', descriptor, again), SealError, 'bound to its object');
    const other = randomBytes(32);
    const wrong = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: other.toString('base64') };
    assert.deepEqual(code(() => customerKeyForRead(wrong, descriptor)), ['AccessDenied', 403, 'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.']);
    assert.deepEqual(code(() => customerKeyForRead(wrong, descriptor, true)), ['AccessDenied', 403, 'Access Denied']);
    // A read never checks the length: a key of another size is just not the object's key.
    assert.equal(code(() => customerKeyForRead({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: randomBytes(44).toString('base64') }, descriptor))[1], 403);
  });

  it('UploadPart must repeat the upload\'s SSE-C members with the same key', () => {
    const root = new Sealer(randomBytes(32));
    const customer = customerKeyForWrite({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64, SSECustomerKeyMD5: md5 }, undefined)!;
    const { descriptor } = newSseCKey(root, 'upload-1', customer);
    const missing = 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.';
    assert.deepEqual(code(() => customerKeyForPart({}, descriptor)), ['InvalidRequest', 400, missing]);
    assert.deepEqual(code(() => customerKeyForPart({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64, SSECustomerKeyMD5: md5 }, undefined)), ['InvalidRequest', 400, missing]);
    const other = randomBytes(32);
    assert.deepEqual(code(() => customerKeyForPart({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: other.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(other).digest('base64') }, descriptor)),
      ['InvalidRequest', 400, 'The provided encryption parameters did not match the ones used originally.']);
    assert.ok(customerKeyForPart({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: b64, SSECustomerKeyMD5: md5 }, descriptor)!.key.equals(key));
  });
});
