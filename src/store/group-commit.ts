/**
 * Group commit for embedded SQLite: many commits made durable by one fdatasync, off the event loop.
 *
 * better-sqlite3 runs SQLite on Node's main thread. With synchronous=FULL every commit fsyncs the
 * WAL there, so each write (a PUT's object row, a CreateKey) stalls every request in flight for as
 * long as the disk takes, and concurrent writers pay one fsync each. Instead the connection runs
 * with synchronous=NORMAL (a commit writes its WAL frames, still atomic and consistent after a
 * crash, but not yet synced) and the gateway answers no request before a WAL fdatasync that began
 * after the last commit has finished. That sync runs on libuv's thread pool, and every commit made
 * before it started rides on it: an answer is exactly as durable as with FULL.
 * When a checkpoint has moved frames into the database file, SQLite synced that file itself (in
 * NORMAL mode it syncs the WAL before and the database after a checkpoint).
 *
 * PostgreSQL syncs in its own process at commit: nothing to do there.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Kysely } from 'kysely';

/**
 * What the gateway awaits before it answers any request: every commit made so far is on disk. Not
 * only the request's own: a request that read another's commit must not show a client data a power
 * loss could still take back. Nothing pending (the common case for reads) resolves at once.
 */
export interface Durability {
  settle(): Promise<void>;
}

/** The WAL of one embedded SQLite database, synced in groups. */
export class WalSync implements Durability {
  #commits = 0;
  #synced = 0;
  #running: Promise<void> | undefined;
  #handle: FileHandle | undefined;
  /** fdatasyncs done (tests count them: fewer than the commits they covered). */
  syncs = 0;

  constructor(private readonly walFile: string) {}

  /** Called by the connection after every statement that ended outside a transaction (a commit). */
  noteCommit(): void {
    this.#commits += 1;
  }

  async settle(): Promise<void> {
    const target = this.#commits;
    while (this.#synced < target) {
      // A sync already under way may have begun before our commit: wait for it, then start another.
      this.#running ??= this.#sync().finally(() => { this.#running = undefined; });
      await this.#running;
    }
  }

  async #sync(): Promise<void> {
    const upTo = this.#commits;
    const handle = await this.#wal();
    if (handle) {
      await handle.datasync();
      this.syncs += 1;
    }
    this.#synced = Math.max(this.#synced, upTo);
  }

  /**
   * The WAL file, opened once: SQLite keeps the same file (truncating it at most) while a
   * connection is open, and this one is. Undefined while there is none yet: nothing to sync then.
   */
  async #wal(): Promise<FileHandle | undefined> {
    if (this.#handle) return this.#handle;
    try {
      this.#handle = await open(this.walFile, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return this.#handle;
  }

  /** Syncs what is pending and lets the WAL file go (the connection is closing). */
  async close(): Promise<void> {
    await this.settle();
    await this.#handle?.close();
    this.#handle = undefined;
  }
}

/** The WalSync of each embedded SQLite database, by its Kysely instance (registered by openSqlite). */
const walSyncs = new WeakMap<object, WalSync>();

export function registerWalSync(db: Kysely<any>, sync: WalSync): void {
  walSyncs.set(db, sync);
}

/** How requests on `db` wait for their commits to be durable; undefined where commits are durable at once. */
export function durabilityOf(db: Kysely<any>): Durability | undefined {
  return walSyncs.get(db);
}

/** Resolves once every commit made so far on `db` is on disk (at once on PostgreSQL and in memory). */
export async function durable(db: Kysely<any>): Promise<void> {
  await walSyncs.get(db)?.settle();
}
