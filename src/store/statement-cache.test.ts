import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { withStatementCache } from './statement-cache.js';

describe('statement cache', () => {
  it('reuses a statement by its SQL text, prepares another while one is iterating, and stays bounded', () => {
    const sqlite = new Database(':memory:');
    try {
      const cached = withStatementCache(sqlite, 2);
      sqlite.exec('create table t (n integer)');
      sqlite.exec('insert into t values (1), (2), (3)');
      const a = cached.prepare('select n from t order by n');
      assert.equal(cached.prepare('select n from t order by n'), a);
      const rows = a.iterate([]);
      rows.next();
      // `a` is mid-iteration: the same SQL gets a statement of its own that runs to completion.
      const b = cached.prepare('select n from t order by n');
      assert.notEqual(b, a);
      assert.deepEqual(b.all([]), [{ n: 1 }, { n: 2 }, { n: 3 }]);
      rows.return?.();
      assert.equal(cached.prepare('select n from t order by n'), a);
      // Two more texts push the least recently used one out.
      cached.prepare('select 1');
      cached.prepare('select 2');
      assert.notEqual(cached.prepare('select n from t order by n'), a);
    } finally {
      sqlite.close();
    }
  });
});
