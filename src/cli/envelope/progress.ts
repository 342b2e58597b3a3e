import { PassThrough, Transform } from 'node:stream';

/** Inputs at least this large get a progress bar (when stderr is a terminal). */
export const PROGRESS_THRESHOLD = 4 * 1024 * 1024;
const REDRAW_MS = 100;

/** The part of a TTY stream the bar needs (process.stderr, or a fake in tests). */
export interface ProgressTarget {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

/** What the bar shows and where. */
export interface ProgressOptions {
  /** Input size when known (files); stdin shows a byte count instead of a percentage. */
  total?: number;
  label: string;
  target: ProgressTarget;
  now?: () => number;
}

/**
 * A pass-through stream that draws a progress bar on `target` as bytes go by: only on a
 * terminal, only for inputs over PROGRESS_THRESHOLD (stdin: once that much has passed), at most
 * every 100 ms, and erased when the stream ends so the shell prompt comes back clean.
 */
export function progressStream(options: ProgressOptions): Transform {
  const { total, target } = options;
  const now = options.now ?? Date.now;
  if (!target.isTTY || (total !== undefined && total < PROGRESS_THRESHOLD)) return new PassThrough({ highWaterMark: 1 << 20 });
  const started = now();
  let done = 0;
  let drawnAt = 0;
  let drawn = false;
  const erase = () => {
    if (drawn) target.write('\r\x1b[K');
    drawn = false;
  };
  const stream = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, next) {
      done += chunk.length;
      const t = now();
      if (t - drawnAt >= REDRAW_MS && done >= PROGRESS_THRESHOLD) {
        drawnAt = t;
        drawn = true;
        target.write(`\r${renderProgress(options.label, done, total, (t - started) / 1000, target.columns || 80)}`);
      }
      next(null, chunk);
    },
    flush(next) {
      erase();
      next();
    },
  });
  stream.on('close', erase);
  return stream;
}

const MiB = 1024 * 1024;

/** One line of progress, fitted to `columns`: label, bar (when the total is known), sizes, rate. */
export function renderProgress(label: string, done: number, total: number | undefined, seconds: number, columns: number): string {
  const rate = seconds > 0 ? `${(done / MiB / seconds).toFixed(1)} MiB/s` : '';
  const sizes = total === undefined ? `${(done / MiB).toFixed(1)} MiB` : `${(done / MiB).toFixed(1)}/${(total / MiB).toFixed(1)} MiB`;
  const tail = ` ${sizes} ${rate}`.trimEnd();
  if (total === undefined) return `${label}${tail}`.slice(0, columns - 1);
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const percent = ` ${Math.floor(fraction * 100)}%`.padStart(5);
  const width = Math.max(0, columns - 1 - label.length - tail.length - percent.length - 3);
  const filled = Math.round(width * fraction);
  const bar = width > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]` : '';
  return `${label}${bar}${percent}${tail}`.slice(0, columns - 1);
}
