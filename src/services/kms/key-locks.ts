/**
 * Serializes read-modify-write sequences on one key (and its multi-Region replicas) within this
 * process: two on-demand rotations, or a rotation and an import, would otherwise both read version n
 * and both try to write n+1. The store's primary key still refuses a duplicate version if another
 * process races (the cluster deployment); the loser then fails instead of forking the key.
 */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier `run` with the same id has settled. */
  async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(id) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(id, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    }
  }
}

/** The lock id of a key: its account and key id, shared by every Region's copy of a multi-Region key. */
export function keyLockId(accountId: string, keyId: string): string {
  return `${accountId}/${keyId}`;
}
