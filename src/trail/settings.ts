/**
 * Trail tuning, from COFFER_TRAIL_* variables until ServerConfig carries them:
 * - COFFER_TRAIL_FLUSH_MS: longest a recorded event waits before it is written (default 50).
 * - COFFER_TRAIL_DELIVERY_SECONDS: how often logging trails deliver log files (default 300, as
 *   AWS's "about every 5 minutes").
 * - COFFER_TRAIL_DIGEST_SECONDS: how often digest files are written (default 3600, AWS's hourly).
 * - COFFER_TRAIL_RECORDING=off: record no calls at all. For measuring what the trail costs
 *   (`npm run bench`); never for a server anyone relies on, since nothing it does is audited.
 */
export interface TrailSettings {
  recording: boolean;
  flushMs: number;
  deliverySeconds: number;
  digestSeconds: number;
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

export function trailSettings(env: NodeJS.ProcessEnv): TrailSettings {
  if (env.COFFER_TRAIL_RECORDING !== undefined && !['on', 'off'].includes(env.COFFER_TRAIL_RECORDING)) {
    throw new Error('COFFER_TRAIL_RECORDING must be on or off');
  }
  return {
    recording: env.COFFER_TRAIL_RECORDING !== 'off',
    flushMs: positive(env.COFFER_TRAIL_FLUSH_MS, 'COFFER_TRAIL_FLUSH_MS', 50),
    deliverySeconds: positive(env.COFFER_TRAIL_DELIVERY_SECONDS, 'COFFER_TRAIL_DELIVERY_SECONDS', 300),
    digestSeconds: positive(env.COFFER_TRAIL_DIGEST_SECONDS, 'COFFER_TRAIL_DIGEST_SECONDS', 3600),
  };
}
