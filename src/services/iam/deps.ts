/**
 * What every IAM and STS operation is built from, and the change feed that keeps the
 * principal-policy cache honest.
 */
import type { Sealer } from '../../crypto/root-key.js';
import type { Clock } from '../../server/clock.js';
import type { Db } from '../../store/database.js';

/**
 * Per-account generation counters, bumped by every IAM write. Caches of derived data (the
 * policies a principal holds) remember the generation they were built at and rebuild when it
 * moved, so a policy change is in force from the next request on.
 */
export class IamChanges {
  private readonly generations = new Map<string, number>();
  /** Moves with every write in any account (the access-key row cache, which looks up before it knows the account). */
  total = 0;

  generation(accountId: string): number {
    return this.generations.get(accountId) ?? 0;
  }

  bump(accountId: string): void {
    this.generations.set(accountId, this.generation(accountId) + 1);
    this.total += 1;
  }
}

export interface IamDeps {
  db: Db;
  sealer: Sealer;
  /** Service time: session expiry, report age, `CreateDate`s (tests move it). */
  clock: Clock;
  changes: IamChanges;
}
