/**
 * The one node:test suite every BlobStore backend must pass. A backend's test file calls
 * `blobStoreContract('name', make)`; `make` gives each test a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { NoSuchBlobError, type BlobStore } from './blobs.js';

export interface BlobStoreHarness {
  store: BlobStore;
  /**
   * A second store over the same storage, as a restarted process would open it: how the suite
   * simulates a crash (the first store's put never finishes, the new one sweeps).
   */
  reopen(): Promise<BlobStore>;
  cleanup(): Promise<void>;
}

export function blobStoreContract(name: string, make: () => Promise<BlobStoreHarness>): void {
  /** Runs `fn` on a fresh store and always cleans up. */
  async function withStore(fn: (h: BlobStoreHarness) => Promise<void>): Promise<void> {
    const h = await make();
    try {
      await fn(h);
    } finally {
      await h.cleanup();
    }
  }

  describe(`BlobStore contract: ${name}`, () => {
    it('round-trips 0 bytes, a few bytes and 10 MiB', () =>
      withStore(async ({ store }) => {
        for (const data of [Buffer.alloc(0), Buffer.from('hello, blob'), randomBytes(10 * 1024 * 1024)]) {
          const { id, size } = await store.put(chunks(data, 64 * 1024));
          assert.equal(size, data.length);
          assert.equal(await store.size(id), data.length);
          assert.equal(digest(await collect(await store.get(id))), digest(data));
        }
      }));

    it('accepts a Readable as well as an async iterable', () =>
      withStore(async ({ store }) => {
        const data = randomBytes(100_000);
        const { id } = await store.put(Readable.from(chunks(data, 4096)));
        assert.deepEqual(await collect(await store.get(id)), data);
      }));

    it('gives random, path-safe ids, distinct even for identical content', () =>
      withStore(async ({ store }) => {
        const a = await store.put(chunks(Buffer.from('same'), 2));
        const b = await store.put(chunks(Buffer.from('same'), 2));
        assert.notEqual(a.id, b.id);
        for (const { id } of [a, b]) assert.match(id, /^[A-Za-z0-9_-]{16,}$/);
      }));

    it('serves inclusive ranges, including the first and the last byte', () =>
      withStore(async ({ store }) => {
        const data = randomBytes(1000);
        const { id } = await store.put(chunks(data, 97));
        const cases: Array<[number, number]> = [[0, 0], [999, 999], [0, 999], [10, 19], [500, 998]];
        for (const [start, end] of cases) {
          assert.deepEqual(await collect(await store.get(id, { start, end })), data.subarray(start, end + 1), `${start}-${end}`);
        }
      }));

    it('rejects ranges outside the blob with RangeError', () =>
      withStore(async ({ store }) => {
        const { id } = await store.put(chunks(randomBytes(10), 10));
        for (const range of [{ start: 0, end: 10 }, { start: 5, end: 4 }, { start: -1, end: 3 }]) {
          await assert.rejects(store.get(id, range), RangeError);
        }
      }));

    it('keeps concurrent puts apart', () =>
      withStore(async ({ store }) => {
        const datas = Array.from({ length: 24 }, (_, i) => randomBytes(1000 + i * 4099));
        const puts = await Promise.all(datas.map((d) => store.put(chunks(d, 1024, true))));
        assert.equal(new Set(puts.map((p) => p.id)).size, datas.length);
        for (const [i, { id, size }] of puts.entries()) {
          assert.equal(size, datas[i].length);
          assert.deepEqual(await collect(await store.get(id)), datas[i]);
        }
      }));

    it('leaves nothing behind when the source stream errors', () =>
      withStore(async ({ store }) => {
        async function* failing(): AsyncGenerator<Buffer> {
          yield randomBytes(64 * 1024);
          yield randomBytes(64 * 1024);
          throw new Error('client went away');
        }
        await assert.rejects(store.put(failing()), /client went away/);
        await assert.rejects(store.put(Readable.from(failing())), /client went away/);
        assert.equal(await store.sweep(), 0, 'a failed put must remove its own temp data');
      }));

    it('deletes idempotently', () =>
      withStore(async ({ store }) => {
        const { id } = await store.put(chunks(Buffer.from('bye'), 3));
        const keep = await store.put(chunks(Buffer.from('stay'), 4));
        await store.delete(id);
        await store.delete(id);
        await assert.rejects(store.get(id), NoSuchBlobError);
        await assert.rejects(store.size(id), NoSuchBlobError);
        assert.deepEqual(await collect(await store.get(keep.id)), Buffer.from('stay'));
      }));

    it('rejects get and size of a missing id with NoSuchBlobError', () =>
      withStore(async ({ store }) => {
        for (const id of ['0123456789abcdef0123456789abcdef', 'not-an-id', '../../etc/passwd', '']) {
          await assert.rejects(store.get(id), NoSuchBlobError, id);
          await assert.rejects(store.size(id), NoSuchBlobError, id);
          await store.delete(id);
        }
      }));

    it('lists finished blobs with the time they were written, not deleted ones', () =>
      withStore(async ({ store }) => {
        const before = Date.now() - 60_000;
        const a = await store.put(chunks(Buffer.from('a'), 1));
        const b = await store.put(chunks(Buffer.from('b'), 1));
        const gone = await store.put(chunks(Buffer.from('c'), 1));
        await store.delete(gone.id);
        const listed = new Map<string, Date>();
        for await (const blob of store.list()) listed.set(blob.id, blob.writtenAt);
        assert.deepEqual([...listed.keys()].sort(), [a.id, b.id].sort());
        for (const at of listed.values()) assert.ok(at.getTime() >= before && at.getTime() <= Date.now() + 60_000, at.toISOString());
      }));

    it('sweeps the temp data of a put cut short by a crash, but not of a put in flight', () =>
      withStore(async ({ store, reopen }) => {
        const hung = hangingSource();
        const crashed = store.put(hung.body);
        await hung.midway;
        // The same process must not sweep its own put in flight...
        assert.equal(await store.sweep(), 0);
        // ...but a restarted process finds it stale.
        const restarted = await reopen();
        assert.ok((await restarted.sweep()) >= 1);
        assert.equal(await restarted.sweep(), 0);
        hung.fail();
        await assert.rejects(crashed);
        assert.equal(await store.sweep(), 0);
      }));
  });
}

/** Yields `data` in pieces of `size` bytes, optionally pausing between them to interleave puts. */
async function* chunks(data: Buffer, size: number, yieldBetween = false): AsyncGenerator<Buffer> {
  for (let off = 0; off < data.length; off += size) {
    yield data.subarray(off, off + size);
    if (yieldBetween) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A source that delivers one chunk, then waits until told to fail: a put stuck mid-stream. */
function hangingSource(): { body: AsyncGenerator<Buffer>; midway: Promise<void>; fail(): void } {
  let reached!: () => void;
  let fail!: () => void;
  const midway = new Promise<void>((resolve) => (reached = resolve));
  const failed = new Promise<void>((resolve) => (fail = resolve));
  async function* body(): AsyncGenerator<Buffer> {
    yield randomBytes(4096);
    // The consumer asked for the next chunk, so it has written the first one.
    reached();
    await failed;
    throw new Error('crashed');
  }
  return { body: body(), midway, fail };
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function digest(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
