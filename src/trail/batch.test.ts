import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchEncoder, decodeBatch, encodeBatch, RESOURCES_AT } from './batch.js';
import type { TrailEvent } from './event.js';

function event(n: number, key: string): TrailEvent {
  const arn = `arn:aws:s3:::bucket/${key}`;
  return {
    json: JSON.stringify({ eventID: `id-${n}`, requestParameters: { key } }),
    index: {
      eventId: `id-${n}`, eventTime: '2026-01-01T00:00:00Z', accountId: '111122223333', region: 'us-east-1', eventName: 'PutObject',
      eventSource: 's3.amazonaws.com', readOnly: false, category: 'Data', accessKeyId: n % 2 ? 'AKIAEXAMPLE' : undefined,
      resources: [{ type: 'AWS::S3::Object', name: arn, arn }, { type: 'AWS::S3::Bucket', name: 'bucket', arn: 'arn:aws:s3:::bucket' }, { type: 'AWS::S3::Object', name: arn, arn }],
    },
  };
}

describe('trail batches: the events the main thread hands the append worker', () => {
  it('every event comes back in order, byte for byte, whatever its keys hold', () => {
    // Newlines, quotes, non-BMP characters and lone surrogates in S3 keys: none may split a line.
    const keys = ['plain', 'line\nbreak\r\n', 'quote"back\\slash', 'emoji-😀-日本', 'lone-\ud800-surrogate', '\u2028sep\u2029'];
    const events = keys.map((key, n) => event(n, key));
    const decoded = [...decodeBatch(encodeBatch(events))];
    assert.equal(decoded.length, events.length);
    decoded.forEach(({ index, json }, n) => {
      assert.equal(json, events[n]!.json);
      assert.equal(JSON.parse(json).requestParameters.key, keys[n]);
      assert.deepEqual(index.slice(0, RESOURCES_AT), [`id-${n}`, '2026-01-01T00:00:00Z', '111122223333', 'us-east-1', 'PutObject', 's3.amazonaws.com', 0, 'Data', null, n % 2 ? 'AKIAEXAMPLE' : null]);
      // An ARN named twice is kept once: the resources table's key is (seq, ARN).
      assert.deepEqual(index.slice(RESOURCES_AT), [`arn:aws:s3:::bucket/${keys[n]}`, 'AWS::S3::Object', `arn:aws:s3:::bucket/${keys[n]}`, 'arn:aws:s3:::bucket', 'AWS::S3::Bucket', 'bucket']);
    });
  });

  it('an encoder grows past its first buffer and starts empty after take()', () => {
    const encoder = new BatchEncoder();
    const big = 'x'.repeat(50_000);
    for (let n = 0; n < 5; n++) encoder.add(event(n, big));
    assert.equal(encoder.count, 5);
    const batch = encoder.take();
    assert.equal(encoder.count, 0);
    assert.ok(batch.buffer instanceof SharedArrayBuffer, 'posted to the worker without a copy');
    assert.equal([...decodeBatch(batch)].length, 5);
    encoder.add(event(9, 'after'));
    const next = encoder.take();
    assert.notEqual(next.buffer, batch.buffer, 'a batch kept for a retry shares its memory with no later one');
    assert.deepEqual([...decodeBatch(next)].map((e) => e.index[0]), ['id-9']);
    assert.equal([...decodeBatch(batch)].length, 5, 'the earlier batch is unchanged');
  });

  it('a truncated batch is refused, not half read', () => {
    const batch = encodeBatch([event(1, 'a'), event(2, 'b')]);
    assert.throws(() => [...decodeBatch(batch.subarray(0, batch.length - 3))], /truncated/);
  });
});
