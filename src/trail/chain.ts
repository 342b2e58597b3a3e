/**
 * The event history's hash chain.
 *
 * ## Format
 *
 * Events are numbered 1, 2, 3, ... (`seq`) in the order they were recorded. Each row stores
 *
 * ```
 *   prev_hash = hash of row seq-1 (64 hex zeros for seq 1)
 *   hash      = hex SHA-256( bytes(prev_hash) || UTF-8(event_json) )
 * ```
 *
 * where `event_json` is the event exactly as stored (and as LookupEvents and log files return
 * it): the hash covers those bytes, so no re-serialization can disagree about them.
 *
 * Editing a row's JSON breaks its own hash; recomputing that hash breaks the next row's link;
 * deleting a row leaves a gap in `seq` and a broken link; inserting one breaks a link. Rewriting
 * the whole tail consistently is caught by the checkpoint: the head (`seq`, `hash`) is sealed with
 * the root key after every write (AAD `trail_checkpoints/events`), and nobody without the root
 * key can seal a new one. What remains possible to an attacker with the database but not the root
 * key is rolling the table and its checkpoint back together to an earlier state; digest files
 * delivered to S3 are the outside anchor against that.
 *
 * Retention (retention.ts) removes the oldest events after 90 days: the last removed event's
 * (`seq`, `hash`) is sealed as the `pruned` checkpoint, and the chain then starts after it.
 */
import { createHash } from 'node:crypto';
import type { Sealer } from '../crypto/root-key.js';

/** The prev_hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The checkpoint row of the event chain. */
export const EVENTS_CHECKPOINT = 'events';

/** The checkpoint of the last event retention removed: where the kept chain starts. */
export const PRUNED_CHECKPOINT = 'pruned';

export function chainHash(prevHash: string, eventJson: string): string {
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(eventJson, 'utf8').digest('hex');
}

export function checkpointAad(name: string): string {
  return `trail_checkpoints/${name}`;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** Seals a head so that only the root key's holder can produce one. */
export function sealHead(sealer: Sealer, name: string, head: ChainHead): Buffer {
  return sealer.seal(checkpointAad(name), Buffer.from(`${head.seq}\n${head.hash}`, 'utf8'));
}

/** The sealed head, or throws (SealError) if the checkpoint was forged or copied from elsewhere. */
export function openHead(sealer: Sealer, name: string, sealed: Buffer): ChainHead {
  const [seq, hash] = sealer.open(checkpointAad(name), sealed).toString('utf8').split('\n');
  return { seq: Number(seq), hash: hash ?? '' };
}
