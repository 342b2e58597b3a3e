import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangeCounter, RecentCache } from './recent-cache.js';

describe('RecentCache', () => {
  const setup = (max = 10_000) => {
    let now = 0;
    let loads = 0;
    const changes = new ChangeCounter();
    const cache = new RecentCache<number>(changes, 1000, () => now, max);
    const load = async () => ++loads;
    return { cache, changes, load, loads: () => loads, tick: (ms: number) => { now += ms; } };
  };

  it('reuses a value for its period, then loads afresh', async () => {
    const t = setup();
    assert.equal(await t.cache.get('a', t.load), 1);
    t.tick(999);
    assert.equal(await t.cache.get('a', t.load), 1);
    t.tick(1);
    assert.equal(await t.cache.get('a', t.load), 2);
    assert.equal(await t.cache.get('b', t.load), 3, 'entries are per id');
  });

  it('drops every entry at the next write', async () => {
    const t = setup();
    await t.cache.get('a', t.load);
    await t.changes.count(Promise.resolve());
    assert.equal(await t.cache.get('a', t.load), 2);
    // A write while a value loads leaves that value stale: the next lookup loads again.
    const loading = t.cache.get('b', t.load);
    await t.changes.count(Promise.resolve());
    assert.equal(await loading, 3);
    assert.equal(await t.cache.get('b', t.load), 4);
  });

  it('shares one load between concurrent callers, and keeps neither a failure nor nothing found', async () => {
    const t = setup();
    const [x, y] = await Promise.all([t.cache.get('a', t.load), t.cache.get('a', t.load)]);
    assert.deepEqual([x, y, t.loads()], [1, 1, 1]);
    await assert.rejects(t.cache.get('f', async () => { throw new Error('denied'); }), /denied/);
    assert.equal(await t.cache.get('f', t.load), 2, 'a failed load is retried by the next caller');
    assert.equal(await t.cache.get('u', async () => undefined), undefined);
    assert.equal(await t.cache.get('u', t.load), 3, 'nothing found is looked up again');
  });

  it('holds at most max entries, dropping the oldest', async () => {
    const t = setup(2);
    for (const id of ['a', 'b', 'c']) await t.cache.get(id, t.load);
    assert.equal(await t.cache.get('c', t.load), 3);
    assert.equal(await t.cache.get('a', t.load), 4, 'the oldest went');
  });
});
