import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { openSqlite } from './database.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Another process adding 1 to t.v, waiting for locks as the server does (busy_timeout). */
function otherWriter(file: string) {
  const script = `import D from 'better-sqlite3'; const d = new D(${JSON.stringify(file)}); d.pragma('busy_timeout = 5000');
    process.stdout.write('ready\\n'); d.prepare('UPDATE t SET v = v + 1').run(); d.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
  const exited = new Promise<string>((resolve) => child.once('exit', (code) => resolve(code === 0 ? 'ok' : `exit ${code}: ${stderr}`)));
  return { ready, exited };
}

describe('SQLite transactions', () => {
  it('hold the write lock from their start: a read-then-write never meets a stale snapshot when another process writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-sqlite-immediate-'));
    const file = join(dir, 'db.sqlite');
    const db = (await openSqlite(file)) as unknown as Kysely<{ t: { v: number } }>;
    try {
      await sql`CREATE TABLE t (v INTEGER NOT NULL)`.execute(db);
      await db.insertInto('t').values({ v: 0 }).execute();
      let other: ReturnType<typeof otherWriter> | undefined;
      await db.transaction().execute(async (tx) => {
        const { v } = await tx.selectFrom('t').select('v').executeTakeFirstOrThrow();
        other = otherWriter(file);
        await other.ready;
        // With a deferred BEGIN the other process commits now and our write below fails with
        // SQLITE_BUSY; with BEGIN IMMEDIATE it waits for our commit.
        const first = await Promise.race([other.exited, new Promise((r) => setTimeout(() => r('waiting'), 500))]);
        assert.equal(first, 'waiting', 'the other process wrote inside our transaction');
        await tx.updateTable('t').set({ v: v + 10 }).execute();
      });
      assert.equal(await other!.exited, 'ok');
      assert.equal((await db.selectFrom('t').select('v').executeTakeFirstOrThrow()).v, 11);
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
