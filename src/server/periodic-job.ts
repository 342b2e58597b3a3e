/**
 * The scaffolding every background job shares (sweeps, rotation, the root-key watch): a pass run
 * at start and then every `intervalMs`, never two at once, on an unref'd timer (a job never keeps
 * the process alive), stopped cleanly with the server.
 */
import type { Background } from './services.js';

export interface PeriodicJobOptions {
  /** One pass of the job. */
  pass: () => Promise<void>;
  intervalMs: number;
  /** Failures of the passes the timer starts (a `runOnce()` caller gets its pass's failure instead). */
  onError: (err: unknown) => void;
  /** Also run a pass right after start-up (on the next turn of the event loop). */
  runAtStart?: boolean;
  /** Runs once at `stop()`, after the last pass has finished (e.g. a final flush). */
  onStop?: () => Promise<void>;
}

/**
 * A {@link Background} job from one pass function.
 *
 * - `runOnce()` runs a pass that starts after it is called: if one is running, the next is queued
 *   behind it (and shared by every caller meanwhile), so a test that moved the clock and calls
 *   `runOnce()` gets a pass that sees the new time, never the tail of an older one.
 * - A timer tick while a pass runs or waits is skipped: the timer never piles passes up.
 * - `stop()` ends the timer, waits for the pass in progress (and a queued one), then `onStop`.
 */
export function periodicJob(opts: PeriodicJobOptions): Background {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let stopped = false;

  const start = (): Promise<void> => {
    const pass = opts.pass().finally(() => {
      if (running === pass) running = undefined;
    });
    running = pass;
    return pass;
  };
  const runOnce = (): Promise<void> => {
    if (queued) return queued;
    if (!running) return start();
    queued = running.catch(() => undefined).then(() => {
      queued = undefined;
      return start();
    });
    return queued;
  };
  const tick = () => {
    if (stopped || running || queued) return;
    runOnce().catch(opts.onError);
  };

  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  const first = opts.runAtStart ? setImmediate(tick) : undefined;
  first?.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (first) clearImmediate(first);
      await (queued ?? running)?.catch(() => undefined);
      await opts.onStop?.();
    },
  };
}
