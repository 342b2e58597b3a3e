import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { progressStream, PROGRESS_THRESHOLD, renderProgress, type ProgressTarget } from './progress.js';

const MiB = 1024 * 1024;

/** A fake terminal, and a clock that moves 150 ms per reading so every chunk may redraw. */
function terminal(isTTY: boolean): ProgressTarget & { text: string } {
  const t = { isTTY, columns: 60, text: '', write: (s: string) => ((t.text += s), true) };
  return t;
}
const ticking = () => {
  let ms = 0;
  return () => (ms += 150);
};

async function pass(size: number, target: ProgressTarget, total?: number): Promise<Buffer> {
  const chunks = Array.from({ length: size / MiB }, () => Buffer.alloc(MiB, 1));
  return buffer(Readable.from(chunks).pipe(progressStream({ total, label: 'encrypting f', target, now: ticking() })));
}

describe('progress bar', () => {
  it('draws on a terminal for large inputs, then erases itself', async () => {
    const tty = terminal(true);
    const out = await pass(8 * MiB, tty, 8 * MiB);
    assert.equal(out.length, 8 * MiB);
    assert.match(tty.text, /\rencrypting f \[#+-*\]\s+\d+% \d+\.\d\/8\.0 MiB [\d.]+ MiB\/s/);
    assert.match(tty.text, /100% 8\.0\/8\.0 MiB/);
    assert.ok(tty.text.endsWith('\r\x1b[K'));
    assert.ok(tty.text.split('\r').every((line) => line.length < 60));
  });

  it('stays silent off a terminal, and for small inputs', async () => {
    const pipe = terminal(false);
    await pass(8 * MiB, pipe, 8 * MiB);
    assert.equal(pipe.text, '');
    const tty = terminal(true);
    await pass(2 * MiB, tty, 2 * MiB);
    assert.equal(tty.text, '');
  });

  it('counts bytes when the size is unknown (stdin), once past the threshold', async () => {
    const tty = terminal(true);
    await pass(PROGRESS_THRESHOLD + 2 * MiB, tty);
    assert.match(tty.text, /encrypting f 6\.0 MiB/);
    assert.doesNotMatch(tty.text, /\[[#-]/);
  });

  it('fits narrow terminals', () => {
    assert.ok(renderProgress('decrypting /a/very/long/path', 5 * MiB, 10 * MiB, 1, 30).length <= 29);
  });
});
