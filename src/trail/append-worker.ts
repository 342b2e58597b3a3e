/**
 * The trail's append worker: a worker thread with its own connection to the trail database
 * (database.ts), appending the batches the main thread posts (append-thread.ts) with
 * `TrailStore.append`: hash chain, sealed head, the chain lock of a shared database. Everything
 * synchronous about an append (better-sqlite3's statements, six index updates a row, the commit's
 * fsync, WAL checkpoints) happens here, so none of it stalls the server's event loop; on embedded
 * SQLite the commit simply blocks this thread on its fsync (synchronous=FULL).
 *
 * Batches are appended one at a time, in the order they arrive: the chain's order is the order
 * the main thread posted them. Each is answered once its transaction committed (`appended`) or
 * rolled back (`failed`). The worker holds a Sealer of its own, made from the root keys the main
 * thread hands over at start, and adopts every key the main thread's Sealer adopts (a root-key
 * rotation), in message order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Sealer } from '../crypto/root-key.js';
import { openSqlite } from '../store/database.js';
import { openPostgres } from '../store/postgres/postgres.js';
import type { AppendWorkerData, FromWorker, ToWorker } from './append-thread.js';
import { TrailStore } from './store.js';

const port = parentPort;
if (!port) throw new Error('append-worker.ts runs as a worker thread (see append-thread.ts)');
const { location, rootKeys } = workerData as AppendWorkerData;
const sealer = new Sealer(rootKeys[0]!, rootKeys.slice(1));
// A small pool on PostgreSQL: appends are serial, one connection does; the second covers a reconnect.
// Failing to open ends the thread (an error in the module's evaluation): the main thread starts
// another with its next batch.
const db = location.kind === 'sqlite' ? await openSqlite(location.file) : await openPostgres(location.url, { maxConnections: 2 });
const store = new TrailStore(db, sealer);
let work = Promise.resolve();

const reply = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'adopt':
      sealer.adopt(Buffer.from(message.rootKey));
      return;
    case 'append': {
      const { id, batch, resent } = message;
      work = work.then(() => store.append(batch, { resent }).then(
        () => reply({ type: 'appended', id }),
        (err: unknown) => reply({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) }),
      ));
      return;
    }
    case 'close':
      work = work.then(async () => {
        await db.destroy();
        port.close();
      });
      return;
  }
});
