/**
 * Kysely's SQLite dialect with every transaction opened `BEGIN IMMEDIATE`.
 *
 * Kysely opens SQLite transactions with a plain (deferred) `BEGIN`: the transaction starts as a
 * reader and asks for the write lock at its first write. In WAL mode, when another process (the
 * CLI re-wrapping for a root-key rotation, a backup's restore check, a second server) commits
 * between that first read and the first write, the snapshot is stale and SQLite answers
 * SQLITE_BUSY at once: `busy_timeout` cannot help, as waiting would not make the snapshot fresh.
 * Every read-then-write transaction of the server (the trail's chain append, compare-and-set
 * updates) could then fail with "database is locked" and the client see an InternalError.
 *
 * `BEGIN IMMEDIATE` takes the write lock up front, where `busy_timeout` does apply: a transaction
 * waits for the other process's commit and then reads fresh data. Within one process nothing is
 * lost: Kysely already serialises everything on SQLite's single connection.
 */
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';

type Config = ConstructorParameters<typeof SqliteDialect>[0];

class ImmediateSqliteDriver extends SqliteDriver {
  constructor(config: Config, private readonly beforeClose: () => Promise<void>) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async destroy(): Promise<void> {
    await this.beforeClose();
    await super.destroy();
  }
}

/**
 * {@link SqliteDialect} whose transactions begin IMMEDIATE (see the module comment). `beforeClose`
 * runs before the connection closes (group commit makes the last commits durable there).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: Config;
  readonly #beforeClose: () => Promise<void>;

  constructor(config: Config, beforeClose: () => Promise<void> = async () => undefined) {
    super(config);
    this.#config = config;
    this.#beforeClose = beforeClose;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#beforeClose);
  }
}
