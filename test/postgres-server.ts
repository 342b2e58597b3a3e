/**
 * `node dist/test/postgres-server.js`: one throwaway PostgreSQL (test/postgres.ts) for a whole
 * test pass. Prints its admin URL on one line (scripts/test.sh hands it to every test process as
 * COFFER_TEST_PG_ADMIN_URL, so each file makes databases instead of starting a server), then runs
 * until SIGTERM / SIGINT or until its stdout's reader is gone, and removes everything.
 */
import { startPostgres } from './postgres.js';

const postgres = await startPostgres();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await postgres.stop();
  process.exit(0);
};
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void stop());
process.stdout.on('error', () => void stop());
process.stdout.write(`${postgres.adminUrl}\n`);
// Kept alive by this timer until a signal arrives.
setInterval(() => undefined, 1 << 30);
