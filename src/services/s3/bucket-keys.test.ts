import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BucketKeyCache } from './bucket-keys.js';

describe('BucketKeyCache', () => {
  const setup = () => {
    let now = 0;
    let version = 0;
    let loads = 0;
    const cache = new BucketKeyCache<number>(() => now, () => version, 1000);
    const load = async () => ++loads;
    return { cache, load, loads: () => loads, tick: (ms: number) => { now += ms; }, bump: () => { version++; } };
  };

  it('reuses a value for its period, then loads afresh', async () => {
    const t = setup();
    assert.equal(await t.cache.get('a', t.load), 1);
    t.tick(999);
    assert.equal(await t.cache.get('a', t.load), 1);
    t.tick(1);
    assert.equal(await t.cache.get('a', t.load), 2);
    assert.equal(await t.cache.get('b', t.load), 3, 'entries are per id (per requester and bucket)');
  });

  it('drops every entry when the version moves (a KMS change)', async () => {
    const t = setup();
    await t.cache.get('a', t.load);
    t.bump();
    assert.equal(await t.cache.get('a', t.load), 2);
  });

  it('shares one load between concurrent callers and keeps no failure', async () => {
    const t = setup();
    const [x, y] = await Promise.all([t.cache.get('a', t.load), t.cache.get('a', t.load)]);
    assert.deepEqual([x, y, t.loads()], [1, 1, 1]);
    await assert.rejects(t.cache.get('f', async () => { throw new Error('denied'); }), /denied/);
    assert.equal(await t.cache.get('f', t.load), 2, 'a failed load is retried by the next caller');
  });
});
