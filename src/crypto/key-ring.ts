/**
 * The root key ring at rest, and how a running server learns of a root-key rotation.
 *
 * Rotation (src/ops/root-key-rotate.ts) moves every sealed value from the recorded root key to a
 * new one while servers keep serving. Three `meta` rows carry it:
 *
 * | key                    | value                                                                 |
 * |------------------------|-----------------------------------------------------------------------|
 * | `root_key_fingerprint` | the recorded key's fingerprint (`rootKeyFingerprint`)                 |
 * | `root_key_next`        | during a rotation: the new key sealed under the recorded key, AAD     |
 * |                        | `meta/root_key_next` (base64): a process holding the recorded key     |
 * |                        | adopts the new one from it                                            |
 * | `root_key_ring`        | during a rotation: the keys being retired sealed under the new key,   |
 * |                        | AAD `meta/root_key_ring` (base64 of their 32-byte concatenation): a   |
 * |                        | process started with the new key opens what is not re-wrapped yet     |
 *
 * Finishing the rotation records the new fingerprint and deletes both rotation rows, in one
 * transaction: from then on only the new key starts a server, and the old key opens nothing the
 * data directory holds.
 *
 * The new key sits in the database, sealed under the old one, only for the rotation's minutes: a
 * copy of the database taken in that window plus the old key would reveal it. An operator who
 * rotates because the old key leaked should stop the servers, rotate (nothing then waits on
 * `root_key_next`), and start them with the new key.
 */
import { periodicJob } from '../server/periodic-job.js';
import type { Background } from '../server/services.js';
import type { Db } from '../store/database.js';
import { checkRootKeyFingerprint, ringKeys, RING_AAD, rootKeyFingerprint, Sealer } from './root-key.js';

const FINGERPRINT = 'root_key_fingerprint';
const NEXT = 'root_key_next';
const RING = 'root_key_ring';
/** AAD of `meta.root_key_next`. */
export const NEXT_AAD = 'meta/root_key_next';

/** How often a server looks for a staged rotation (a rotation waits five of these by default before re-wrapping). */
export const DEFAULT_POLL_MS = 1_000;

async function metaValue(db: Db, key: string): Promise<string | undefined> {
  return (await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

/**
 * The Sealer a process started with `key` uses, after checking `key` belongs to this data
 * directory (`checkRootKeyFingerprint`: the recorded key or, during a rotation, its successor).
 * A process holding the recorded key while a rotation is staged adopts the new key at once, so it
 * never seals anything the rotation would have to re-wrap again; one holding the new key opens
 * not-yet-re-wrapped values through the ring.
 */
export async function openSealer(db: Db, key: Buffer): Promise<Sealer> {
  await checkRootKeyFingerprint(db, key);
  if ((await metaValue(db, FINGERPRINT)) !== rootKeyFingerprint(key)) return new Sealer(key, (await ringKeys(db, key)) ?? []);
  const sealer = new Sealer(key);
  await adoptStaged(db, sealer);
  return sealer;
}

/**
 * Adopts the staged new key, if a rotation is staged and `sealer` does not seal with it yet.
 * Resolves to the adopted key's fingerprint, or undefined when there was nothing to do.
 */
export async function adoptStaged(db: Db, sealer: Sealer): Promise<string | undefined> {
  const value = await metaValue(db, NEXT);
  if (value === undefined) return undefined;
  const next = sealer.open(NEXT_AAD, Buffer.from(value, 'base64'));
  if (rootKeyFingerprint(next) === sealer.fingerprint) return undefined;
  sealer.adopt(next);
  return sealer.fingerprint;
}

/** The key a staged rotation moves to, opened with `recorded`; undefined if none is staged. */
export async function stagedKey(db: Db, recorded: Buffer): Promise<Buffer | undefined> {
  const value = await metaValue(db, NEXT);
  return value === undefined ? undefined : new Sealer(recorded).open(NEXT_AAD, Buffer.from(value, 'base64'));
}

/** The recorded fingerprint (the key data is being moved from, during a rotation). */
export async function recordedFingerprint(db: Db): Promise<string | undefined> {
  return metaValue(db, FINGERPRINT);
}

/**
 * Stages a rotation from `recorded` (the key whose fingerprint is recorded) to `next`: writes
 * `root_key_next` and `root_key_ring` in one transaction. Refuses if another rotation is staged.
 */
export async function stageRotation(db: Db, recorded: Buffer, next: Buffer): Promise<void> {
  if (rootKeyFingerprint(recorded) === rootKeyFingerprint(next)) throw new Error('the new root key is the current one');
  const recordedSealer = new Sealer(recorded);
  const nextSealer = new Sealer(next);
  const nextValue = recordedSealer.seal(NEXT_AAD, next).toString('base64');
  const ringValue = nextSealer.seal(RING_AAD, recorded).toString('base64');
  await db.transaction().execute(async (tx) => {
    const stored = (await tx.selectFrom('meta').select('value').where('key', '=', FINGERPRINT).executeTakeFirst())?.value;
    if (stored !== rootKeyFingerprint(recorded)) throw new Error('the root key changed while the rotation was being staged');
    const staged = (await tx.selectFrom('meta').select('value').where('key', '=', NEXT).executeTakeFirst())?.value;
    if (staged !== undefined) throw new Error('a root-key rotation is already staged');
    await tx.insertInto('meta').values([{ key: NEXT, value: nextValue }, { key: RING, value: ringValue }]).execute();
  });
}

/** Records `next` as the data directory's key and retires the rotation rows (and with them the old key). */
export async function finishRotation(db: Db, next: Buffer): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('meta').set({ value: rootKeyFingerprint(next) }).where('key', '=', FINGERPRINT).execute();
    await tx.deleteFrom('meta').where('key', 'in', [NEXT, RING]).execute();
  });
}

/**
 * A server's watch for staged rotations: every `intervalMs` it looks at `root_key_next` and adopts
 * the new key as soon as one appears, so every process seals with it before the rotation starts
 * re-wrapping (it waits several intervals for that). Shaped as a `Background` job.
 */
export class RootKeyWatcher implements Background {
  private readonly job: Background;

  constructor(db: Db, sealer: Sealer, log: { info(o: object, m: string): void; error(o: object, m: string): void }, intervalMs = DEFAULT_POLL_MS) {
    this.job = periodicJob({
      pass: async () => {
        try {
          const adopted = await adoptStaged(db, sealer);
          if (adopted) log.info({ fingerprint: adopted }, 'adopted the new root key of a staged rotation');
        } catch (err) {
          log.error({ err }, 'could not check for a staged root-key rotation');
        }
      },
      intervalMs,
      onError: () => undefined, // the pass logs its own failures
    });
  }

  runOnce(): Promise<void> {
    return this.job.runOnce();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
