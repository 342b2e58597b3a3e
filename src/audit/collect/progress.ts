/**
 * The progress line drawn while the inventory is collected: on a terminal only (stderr), redrawn
 * at most every 100 ms, erased when collection ends so the report starts on a clean line.
 */
import type { Progress } from './util.js';

const REDRAW_MS = 100;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The part of a TTY stream the line needs (process.stderr, or a fake in tests). */
export interface ProgressTarget {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface TerminalProgress extends Progress {
  /** Erases the line. */
  done(): void;
}

/** One progress line: `⠙ Collecting ec2 eu-west-1 · 143 API calls · 2.1s`. */
export function renderLine(frame: number, stage: string, calls: number, seconds: number, width: number): string {
  const line = `${SPINNER[frame % SPINNER.length]} Collecting ${stage} · ${calls} API call${calls === 1 ? '' : 's'} · ${seconds.toFixed(1)}s`;
  return line.length > width - 1 ? line.slice(0, width - 2) + '…' : line;
}

/** A progress reporter drawing on `target` when it is a terminal, silent otherwise. */
export function terminalProgress(target: ProgressTarget, now: () => number = Date.now): TerminalProgress {
  const started = now();
  let stage = 'inventory';
  let calls = 0;
  let frame = 0;
  let drawnAt = 0;
  let drawn = false;
  const draw = (force = false) => {
    if (!target.isTTY) return;
    const t = now();
    if (!force && t - drawnAt < REDRAW_MS) return;
    drawnAt = t;
    drawn = true;
    target.write(`\r\x1b[K${renderLine(frame++, stage, calls, (t - started) / 1000, target.columns || 80)}`);
  };
  return {
    stage(label) {
      stage = label;
      draw();
    },
    call() {
      calls++;
      draw();
    },
    done() {
      if (drawn) target.write('\r\x1b[K');
      drawn = false;
    },
  };
}
