import assert from 'node:assert/strict';
import { writeSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { blobStoreContract } from '../blob-store.contract.js';
import { FsBlobStore } from './fs-blob-store.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'coffer-blobs-'));
}

blobStoreContract('FsBlobStore', async () => {
  const dir = await tempDir();
  return {
    store: new FsBlobStore(dir),
    reopen: async () => new FsBlobStore(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

describe('FsBlobStore on disk', () => {
  it('shards blobs as ab/cd/<id>, files 0600 and directories 0700', async () => {
    const dir = await tempDir();
    try {
      const { id } = await new FsBlobStore(dir).put(Readable.from([Buffer.from('x')]));
      assert.deepEqual(await files(dir), [join(id.slice(0, 2), id.slice(2, 4), id)]);
      assert.equal((await stat(join(dir, id.slice(0, 2), id.slice(2, 4), id))).mode & 0o777, 0o600);
      for (const sub of ['tmp', id.slice(0, 2), join(id.slice(0, 2), id.slice(2, 4))]) {
        assert.equal((await stat(join(dir, sub))).mode & 0o777, 0o700, sub);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves no file at all after a failed put', async () => {
    const dir = await tempDir();
    try {
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.alloc(1024);
        throw new Error('boom');
      }
      await assert.rejects(new FsBlobStore(dir).put(failing()), /boom/);
      assert.deepEqual(await files(dir), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects string chunks rather than guessing their encoding', async () => {
    const dir = await tempDir();
    try {
      await assert.rejects(new FsBlobStore(dir).put(Readable.from(['text'])), TypeError);
      assert.deepEqual(await files(dir), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sweep removes stale temp files left in tmp/ and nothing else', async () => {
    const dir = await tempDir();
    try {
      const store = new FsBlobStore(dir);
      const { id } = await store.put(Readable.from([Buffer.from('keep')]));
      await writeFile(join(dir, 'tmp', 'a.tmp'), 'stale');
      await writeFile(join(dir, 'tmp', 'b.tmp'), 'stale');
      assert.equal(await store.sweep(), 2);
      assert.equal(await store.size(id), 4);
      assert.deepEqual(await readdir(join(dir, 'tmp')), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a file written by descriptor becomes a blob on commit, invisible until then, and nothing on abort', async () => {
    const dir = await tempDir();
    try {
      const store = new FsBlobStore(dir);
      const file = await store.create();
      writeSync(file.handle.fd, 'written elsewhere');
      // A sweep (another process starting) leaves a file being written alone.
      assert.equal(await store.sweep(), 0);
      assert.deepEqual((await files(dir)).filter((f) => !f.startsWith('tmp')), []);
      const id = await file.commit();
      assert.equal((await readAll(await store.get(id))).toString(), 'written elsewhere');
      assert.equal((await stat(join(dir, id.slice(0, 2), id.slice(2, 4), id))).mode & 0o777, 0o600);

      const dropped = await store.create();
      writeSync(dropped.handle.fd, 'never a blob');
      await dropped.abort();
      assert.deepEqual(await files(dir), [join(id.slice(0, 2), id.slice(2, 4), id)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
