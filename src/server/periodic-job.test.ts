import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { periodicJob } from './periodic-job.js';

/** A pass the test releases by hand, counting how many started and how many ran at once. */
function gatedPass() {
  const state = { started: 0, concurrent: 0, maxConcurrent: 0, release: [] as Array<() => void> };
  const pass = async () => {
    state.started++;
    state.concurrent++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
    await new Promise<void>((resolve) => state.release.push(resolve));
    state.concurrent--;
  };
  const releaseNext = async () => {
    while (state.release.length === 0) await new Promise((r) => setImmediate(r));
    state.release.shift()!();
  };
  return { state, pass, releaseNext };
}

describe('periodicJob', () => {
  it('never runs two passes at once; a runOnce during a pass gets one fresh pass after it, shared by every caller', async () => {
    const { state, pass, releaseNext } = gatedPass();
    const job = periodicJob({ pass, intervalMs: 60_000, onError: (err) => assert.fail(String(err)) });
    const first = job.runOnce();
    const second = job.runOnce();
    const third = job.runOnce();
    assert.equal(second, third, 'callers during a pass share the queued one');
    await releaseNext();
    await first;
    assert.equal(state.started, 1);
    await releaseNext();
    await second;
    assert.deepEqual([state.started, state.maxConcurrent], [2, 1]);
    await job.stop();
  });

  it('runs at start and on its interval, skips ticks while a pass runs, and stop() waits for the pass', async () => {
    const { state, pass, releaseNext } = gatedPass();
    const job = periodicJob({ pass, intervalMs: 5, runAtStart: true, onError: (err) => assert.fail(String(err)) });
    await releaseNext();
    // Ticks keep coming every 5 ms; only one pass is ever in progress.
    await releaseNext();
    await releaseNext();
    assert.equal(state.maxConcurrent, 1);
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    if (state.concurrent > 0) {
      assert.equal(stopped, false, 'stop() returned while a pass ran');
      await releaseNext();
    }
    await stopping;
    const after = state.started;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(state.started, after, 'no pass after stop()');
  });

  it('a failing pass rejects runOnce, reports timer failures to onError, and runs onStop last', async () => {
    const errors: unknown[] = [];
    const order: string[] = [];
    let fail = true;
    const job = periodicJob({
      pass: async () => {
        order.push('pass');
        if (fail) throw new Error('boom');
      },
      intervalMs: 5,
      onError: (err) => errors.push(err),
      onStop: async () => {
        order.push('stop');
      },
    });
    await assert.rejects(job.runOnce(), /boom/);
    while (errors.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.match(String(errors[0]), /boom/);
    fail = false;
    await job.runOnce();
    await job.stop();
    assert.equal(order.at(-1), 'stop');
  });
});
