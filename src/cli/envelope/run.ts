import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Base64Decoder, Base64Encoder, codecStream } from './codec.js';
import { CliError } from './errors.js';
import type { Operation } from './encrypt.js';
import { openInput, openOutput, shouldWrite, type Job } from './io.js';
import type { MetadataWriter } from './metadata.js';
import { progressStream, type ProgressTarget } from './progress.js';

/** How every job of one command runs. */
export interface RunOptions {
  mode: 'encrypt' | 'decrypt';
  /** `--decode`: the input is base64. */
  decode: boolean;
  /** `--encode`: write the output as base64. */
  encode: boolean;
  overwrite: boolean;
  /** `--buffer` (and Fernet decryption): stdout gets nothing until the whole input checked out. */
  spoolStdout: boolean;
  metadata?: MetadataWriter;
  /** Where warnings and the progress bar go; undefined with --quiet. */
  stderr?: ProgressTarget;
}

/** An error that knows the metadata record to write for its job (a refused decryption). */
interface WithRecord {
  record?: Record<string, unknown>;
}

/**
 * Runs each job in turn: input -> progress -> [base64 decode] -> operation -> [base64 encode] ->
 * temp output, published only when every stream ended cleanly. Stops at the first failure, as
 * aws-encryption-cli does; the failed job leaves no output behind.
 */
export async function runJobs(jobs: Job[], options: RunOptions, operation: (job: Job) => Operation): Promise<void> {
  for (const job of jobs) {
    if (!(await shouldWrite(job.destination, options.overwrite))) {
      options.stderr?.write(`Skipping existing output file because of "no overwrite" option: ${job.destination}\n`);
      continue;
    }
    const input = await openInput(job.source);
    const output = await openOutput(job.destination, {
      // Plaintext is written owner-only; ciphertext gets the usual umask-governed mode.
      fileMode: options.mode === 'decrypt' ? 0o600 : 0o666,
      overwrite: options.overwrite,
      spoolStdout: options.spoolStdout,
    }).catch((err) => {
      input.stream.destroy();
      throw err;
    });
    const op = operation(job);
    const streams: Duplex[] = [
      progressStream({ total: input.size, label: `${options.mode}ing ${input.name}`, target: options.stderr ?? { write: () => true } }),
      ...(options.decode ? [codecStream(new Base64Decoder())] : []),
      ...op.streams,
      ...(options.encode ? [codecStream(new Base64Encoder())] : []),
    ];
    // Ctrl-C (or a TERM) stops the streams so that the temp file is removed, not left behind.
    const interrupt = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => interrupt.abort(new CliError(`interrupted by ${signal}; nothing was written`));
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    try {
      await pipeline([input.stream, ...streams, output.stream], { signal: interrupt.signal });
      const fields = await op.metadata;
      await output.commit();
      options.metadata?.write({ mode: options.mode, input: input.name, output: output.name, ...fields });
    } catch (err) {
      await output.abort();
      if (interrupt.signal.aborted) throw interrupt.signal.reason;
      const record = (err as WithRecord).record;
      if (record) options.metadata?.write({ mode: options.mode, input: input.name, output: output.name, ...record });
      throw err;
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
  }
}
