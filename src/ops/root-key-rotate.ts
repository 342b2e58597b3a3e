/**
 * `coffer root-key rotate`: moves every sealed value of a data directory to a new root key while
 * servers keep serving.
 *
 * 1. Stage (src/crypto/key-ring.ts): in one transaction, `root_key_next` (the new key sealed under
 *    the recorded one) and `root_key_ring` (the recorded key sealed under the new one). A server
 *    started with the old key adopts the new one within a poll interval (its `RootKeyWatcher`)
 *    and from then on seals with it while still opening with the old; a server (re)started with
 *    the new key opens old values through the ring. The key file `root.key`, when it is the key's
 *    source, is replaced with the new key right after (temp file, fsync, rename).
 * 2. Grace: wait a few poll intervals, so no live server still seals under the old key.
 * 3. Re-wrap (src/ops/sealed-scan.ts): every stored value of the registry not under the new key
 *    is opened and sealed again, page by page, compare-and-set against concurrent writes; passes
 *    repeat until one finds nothing left to do.
 * 4. Finish: the new fingerprint is recorded and both rotation rows deleted in one transaction;
 *    the old key no longer starts a server nor opens anything in the directory.
 *
 * Each step is idempotent: a rotation interrupted anywhere is finished by running the command
 * again, with either key. Unstored seals (grant and import tokens) issued before the rotation
 * stop opening when it finishes (see the registry's notes).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { adoptStaged, DEFAULT_POLL_MS, finishRotation, openSealer, recordedFingerprint, stagedKey, stageRotation } from '../crypto/key-ring.js';
import { rootKeyFingerprint } from '../crypto/root-key.js';
import type { Db } from '../store/database.js';
import { scanSealed, type EntryCounts } from './sealed-scan.js';

export interface RotateOptions {
  db: Db;
  /** The trail database (src/trail/database.ts): its sealed checkpoints are re-wrapped too. */
  trailDb: Db;
  /** The key this process was started with (COFFER_ROOT_KEY, the passphrase, or root.key). */
  key: Buffer;
  /** The key to move to; may be omitted when resuming a staged rotation, or when `makeNewKey` is given. */
  newKey?: Buffer;
  /** Makes the new key when none is given and no rotation is staged (the CLI, for a key kept in root.key). */
  makeNewKey?(): Buffer;
  /** How long to let running servers adopt the staged key before re-wrapping (default: 5 poll intervals). */
  graceMs?: number;
  /** Runs once the rotation is staged, before the grace (the CLI replaces root.key here). */
  onStaged?(newKey: Buffer): Promise<void>;
  progress?(line: string): void;
}

export interface RotateReport {
  from: string;
  to: string;
  /** Re-wrapped values per registry entry, over all passes. */
  rewrapped: Record<string, number>;
  passes: number;
}

/** Passes give up after this many (each pass re-wraps what concurrent writes sealed under the old key). */
const MAX_PASSES = 5;

/** Runs (or resumes) a rotation to completion; see the module comment. */
export async function rotateRootKey(opts: RotateOptions): Promise<RotateReport> {
  const { db, key } = opts;
  const say = opts.progress ?? (() => undefined);
  const recorded = await recordedFingerprint(db);
  if (recorded === undefined) throw new Error('this data directory has never been started: there is nothing to rotate');
  let next: Buffer;
  if (rootKeyFingerprint(key) === recorded) {
    const staged = await stagedKey(db, key);
    if (staged) {
      if (opts.newKey && !opts.newKey.equals(staged)) throw new Error('a rotation to another key is already staged: run the command again without a new key to finish it');
      next = staged;
      say(`resuming the staged rotation to root key ${rootKeyFingerprint(next)}`);
    } else {
      const made = opts.newKey ?? opts.makeNewKey?.();
      if (!made) throw new Error('no rotation is staged and no new root key was given (--new-key-file or COFFER_NEW_ROOT_KEY)');
      next = made;
      await stageRotation(db, key, next);
      say(`staged the rotation from root key ${recorded} to ${rootKeyFingerprint(next)}`);
    }
  } else {
    // Started with the new key: only a staged rotation whose ring holds the recorded key lets it in.
    await openSealer(db, key);
    if (opts.newKey && !opts.newKey.equals(key)) throw new Error('a rotation to the key given is already staged: run the command again without a new key to finish it');
    next = key;
    say(`resuming the staged rotation to root key ${rootKeyFingerprint(next)}`);
  }
  await opts.onStaged?.(next);

  const graceMs = opts.graceMs ?? 5 * DEFAULT_POLL_MS;
  say(`waiting ${graceMs} ms for running servers to adopt the new key`);
  await sleep(graceMs);

  const sealer = await openSealer(db, key);
  await adoptStaged(db, sealer);
  if (sealer.fingerprint !== rootKeyFingerprint(next)) throw new Error('the staged rotation disappeared while it ran');
  const rewrapped: Record<string, number> = {};
  let passes = 0;
  for (;;) {
    passes++;
    const report = await scanSealed({ main: db, trail: opts.trailDb }, sealer, { rewrap: true });
    let pending = 0;
    for (const [name, counts] of report) {
      rewrapped[name] = (rewrapped[name] ?? 0) + counts.rewrapped;
      pending += counts.rewrapped + counts.conflicts;
    }
    say(`pass ${passes}: ${summary(report)}`);
    if (pending === 0) break;
    if (passes >= MAX_PASSES) throw new Error(`values were still being sealed under the old key after ${passes} passes: run the command again`);
  }
  await finishRotation(db, next);
  say(`root key ${rootKeyFingerprint(next)} is now the data directory's key; ${recorded} is retired`);
  return { from: recorded, to: rootKeyFingerprint(next), rewrapped, passes };
}

function summary(report: Map<string, EntryCounts>): string {
  const parts = [...report].filter(([, c]) => c.rewrapped + c.conflicts > 0).map(([name, c]) => `${name}: ${c.rewrapped} re-wrapped${c.conflicts ? `, ${c.conflicts} changed meanwhile` : ''}`);
  return parts.length > 0 ? parts.join('; ') : 'every value is under the new key';
}
