/**
 * Which node runs the cluster's background work. Jobs that change shared state on a schedule (key
 * rotation and deletion windows, trail delivery, sweeps) must run exactly once across all nodes,
 * however many share the database; jobs about a node's own state (flushing its trail queue or its
 * key-usage counters) run on every node and are never gated.
 *
 * - Embedded SQLite: one process owns the database, so it always leads (`soleLeader`).
 * - PostgreSQL: a node leads job kind K while it holds the session advisory lock `coffer:leader:K`
 *   (`pg_try_advisory_lock`) on a connection of its own. A node that stops releases it; a node that
 *   dies loses it with its connection, and the next node to try takes over. Before every gated run
 *   the leader checks its connection still answers: a leader cut off from the database stops
 *   acting at once (the server has ended its session, so another node may already lead).
 */
import pg from 'pg';
import type { Logger } from './logger.js';

export interface Leadership {
  /** Whether this node leads `job` now, taking the lead if nobody holds it. */
  isLeader(job: string): Promise<boolean>;
  /** Releases every lead (shutdown). */
  stop(): Promise<void>;
}

/** Wraps `fn` so it runs only while this node leads `job` (otherwise it resolves at once). */
export function leaderOnly(leadership: Leadership, job: string, fn: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (await leadership.isLeader(job)) await fn();
  };
}

/** The single-node deployment: every job is this node's. */
export const soleLeader: Leadership = {
  isLeader: async () => true,
  stop: async () => undefined,
};

/** Leadership through PostgreSQL session advisory locks (see the module comment). */
export class PostgresLeadership implements Leadership {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly held = new Set<string>();
  /** One query at a time on the dedicated connection. */
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly url: string, private readonly log: Logger) {}

  isLeader(job: string): Promise<boolean> {
    return this.serial(async () => {
      if (this.stopped) return false;
      try {
        const client = await this.connect();
        if (this.held.has(job)) {
          // Still connected means still holding: the server keeps session locks until the session ends.
          await client.query('select 1');
          return true;
        }
        const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [lockName(job)]);
        if (rows[0]?.ok) {
          this.held.add(job);
          this.log.info({ job }, 'leading background job');
          return true;
        }
        return false;
      } catch (err) {
        this.lose(err);
        return false;
      }
    });
  }

  stop(): Promise<void> {
    return this.serial(async () => {
      this.stopped = true;
      const client = this.client;
      this.client = undefined;
      this.held.clear();
      // Ending the session releases every advisory lock it holds.
      await client?.end().catch(() => undefined);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
      client.on('error', (err) => this.lose(err));
      await client.connect();
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** The connection failed: every lead it held is gone (the server released the locks). */
  private lose(err: unknown): void {
    if (this.held.size > 0) this.log.warn({ err: (err as Error)?.message, jobs: [...this.held] }, 'lost the database connection: no longer leading');
    this.held.clear();
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
  }
}

function lockName(job: string): string {
  return `coffer:leader:${job}`;
}
