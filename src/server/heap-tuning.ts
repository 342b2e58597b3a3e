/**
 * How the server's V8 heap grows. After each full (mark-compact) collection V8 sets the next
 * limit at a factor of the live heap that it derives from its measured GC and allocation speeds.
 * After a burst of small requests (thousands of KMS calls a second) that factor settles near its
 * floor, and a large body streamed afterwards, whose socket and file buffers are external memory
 * counted toward that limit, then set off a full collection every ~35 ms: measured on a 64 MiB
 * PUT, the collector took about half the time and the transfer ran at half the rate of a fresh
 * process. A fixed factor of 2 keeps full collections proportional to the live heap, which stays
 * small (tens of MiB), so the cost in memory is small too.
 */
import { setFlagsFromString } from 'node:v8';

export function tuneHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
}
