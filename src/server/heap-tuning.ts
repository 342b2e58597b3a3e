/**
 * How the server's V8 heap schedules full (mark-compact) collections.
 *
 * - Growth. After each full collection V8 sets the next limit at a factor of the live heap that it
 *   derives from its measured GC and allocation speeds. After a burst of small requests (thousands
 *   of KMS calls a second) that factor settles near its floor, and a large body streamed afterwards,
 *   whose socket and file buffers are external memory counted toward that limit, then set off a
 *   full collection every ~35 ms: measured on a 64 MiB PUT, the collector took about half the time
 *   and the transfer ran at half the rate of a fresh process. A fixed factor of 2 keeps full
 *   collections proportional to the live heap, which stays small (tens of MiB), so the cost in
 *   memory is small too.
 * - Start. By default V8 also starts marking early, from a task, once the room left below a limit
 *   is less than a young generation's worth. A streamed body churns through buffers of 64-256 KiB
 *   that die young, and that rule fired over and over with the old generation at 21 of 58 MiB:
 *   ~30 full collections for six 64 MiB GETs, whose marking threads took as much CPU as the
 *   request's own thread. A soft trigger of 100% starts marking when a limit is actually reached
 *   instead (external memory keeps its own, separate trigger): the same GETs run no full
 *   collection, their thread's CPU drops by a quarter and the marking threads' by two thirds.
 */
import { setFlagsFromString } from 'node:v8';

export function tuneHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
  setFlagsFromString('--incremental-marking-soft-trigger=100');
}
