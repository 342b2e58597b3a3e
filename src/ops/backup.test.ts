import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkRootKeyFingerprint, rootKeyFingerprint } from '../crypto/root-key.js';
import { migrate, openSqlite } from '../store/database.js';
import { backup, BLOB_REFERENCES, MANIFEST, readManifest } from './backup.js';
import { restore } from './restore.js';

describe('backup and restore (module level)', () => {
  let dir: string;
  let dataDir: string;
  const key = randomBytes(32);
  let n = 0;
  const fresh = () => join(dir, `out-${n++}`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-backup-'));
    dataDir = join(dir, 'data');
    const db = await openSqlite(join(dataDir, 'coffer.sqlite'));
    await migrate(db);
    await checkRootKeyFingerprint(db, key);
    await db.destroy();
    await writeFile(join(dataDir, 'root.key'), key, { mode: 0o600 });
    await writeFile(join(dataDir, 'root-credentials'), 'aws_secret_access_key = not-in-a-backup\n', { mode: 0o600 });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names every table column that references a body (the deletion queue excepted)', async () => {
    const db = await openSqlite(join(dataDir, 'coffer.sqlite'));
    try {
      const referencing = (await db.introspection.getTables())
        .flatMap((t) => t.columns.filter((c) => c.name.endsWith('blob_id')).map((c) => `${t.name}.${c.name}`))
        .filter((name) => name !== 's3_blob_garbage.blob_id')
        .sort();
      assert.deepEqual(referencing, BLOB_REFERENCES.map((r) => `${r.table}.${r.column}`).sort());
    } finally {
      await db.destroy();
    }
  });

  it('leaves the root key and the credentials file out, and records the key fingerprint', async () => {
    const out = fresh();
    const manifest = await backup({ dataDir, out });
    assert.equal(manifest.rootKeyFingerprint, rootKeyFingerprint(key));
    assert.deepEqual((await readdir(out)).sort(), [MANIFEST, 'coffer.sqlite']);
    assert.equal((await stat(out)).mode & 0o777, 0o700);
    assert.equal((await stat(join(out, 'coffer.sqlite'))).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dataDir, 'backup-pins')), [], 'pins are removed');
    await assert.rejects(backup({ dataDir, out }), /is not empty/);
  });

  it('restores, installs the key 0600, and refuses the wrong key', async () => {
    const out = fresh();
    await backup({ dataDir, out });
    const target = join(dir, 'restored');
    await assert.rejects(restore({ from: out, dataDir: target, rootKey: randomBytes(32) }), /is not the backup's/);
    const report = await restore({ from: out, dataDir: target, rootKey: key, installKey: true });
    assert.ok(report.opened);
    assert.deepEqual(await readFile(join(target, 'root.key')), key);
    assert.equal((await stat(join(target, 'root.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(target)).mode & 0o777, 0o700);
    await assert.rejects(restore({ from: out, dataDir: target }), /is not empty/);
  });

  it('refuses a damaged, extended or incomplete backup, leaving nothing behind', async () => {
    const cases: Array<[string, (out: string) => Promise<void>, RegExp]> = [
      ['flipped byte', async (out) => {
        const bytes = await readFile(join(out, 'coffer.sqlite'));
        bytes[100] ^= 1;
        await writeFile(join(out, 'coffer.sqlite'), bytes);
      }, /does not match the manifest/],
      ['extra file', (out) => writeFile(join(out, 'evil'), 'x'), /does not list: evil/],
      ['symlink', async (out) => {
        await mkdir(join(out, 'blobs'));
        await symlink('/etc/passwd', join(out, 'blobs', 'x'));
      }, /symbolic link/],
      ['path traversal', async (out) => {
        const manifest = await readManifest(out);
        manifest.files.push({ path: '../../etc/passwd', size: 1, sha256: '00' });
        await writeFile(join(out, MANIFEST), JSON.stringify(manifest));
      }, /unexpected path/],
      ['no manifest', (out) => rm(join(out, MANIFEST)), /not a complete Coffer backup/],
    ];
    for (const [name, damage, expected] of cases) {
      const out = fresh();
      await backup({ dataDir, out });
      await damage(out);
      const target = join(dir, `bad-${n++}`);
      await assert.rejects(restore({ from: out, dataDir: target }), expected, name);
      await assert.rejects(stat(target), { code: 'ENOENT' }, name);
      assert.deepEqual((await readdir(dir)).filter((e) => e.startsWith('.coffer-restore-')), [], name);
    }
  });
});
