import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { once } from 'node:events';
import { link, lstat, mkdir, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from './errors.js';

/**
 * Inputs and outputs of `coffer encrypt|decrypt` and the Fernet commands, with
 * aws-encryption-cli's rules (aws_encryption_sdk_cli/__init__.py, internal/io_handling.py):
 * `-` is stdin/stdout; a directory input needs -r and an existing output directory, whose tree
 * it mirrors with a suffix added to each file name; a single file into a directory gets the suffix.
 *
 * Unlike that CLI, an output file is never opened in place: it is written to a temp file beside
 * it (0600 for plaintext), fsynced and renamed over the target only once the whole operation
 * succeeded, so a failure (bad tag, KMS refusal, Ctrl-C) leaves nothing half-written.
 */

/** One operation: a source and a destination, each a path or `-`. */
export interface Job {
  source: string;
  destination: string;
}

/** Default suffixes, aws-encryption-cli's OUTPUT_SUFFIX. */
export const DEFAULT_SUFFIX = { encrypt: '.encrypted', decrypt: '.decrypted' } as const;

/** What `planJobs` is asked: the -i/-o/-r/--suffix arguments and the mode. */
export interface PlanOptions {
  input: string;
  output: string;
  recursive: boolean;
  mode: 'encrypt' | 'decrypt';
  /** undefined: the mode's default; '' (from a bare `--suffix`): no suffix. */
  suffix?: string;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function realOrResolved(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

function within(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** Every (source, destination) pair the arguments ask for, checked before anything is written. */
export async function planJobs(opts: PlanOptions): Promise<Job[]> {
  const { input, output, recursive, mode } = opts;
  const suffix = opts.suffix ?? DEFAULT_SUFFIX[mode];
  const outStat = output === '-' ? undefined : await statOrUndefined(output);
  const outIsDir = outStat?.isDirectory() ?? false;
  if (output !== '-' && !outIsDir && !(await statOrUndefined(dirname(resolve(output))))?.isDirectory()) {
    throw new CliError('If destination is a file, the immediate parent directory must already exist.');
  }
  if (input === '-') {
    if (outIsDir) throw new CliError('Destination may not be a directory when source is stdin');
    return [{ source: '-', destination: output }];
  }
  const inStat = await statOrUndefined(input);
  if (!inStat) throw new CliError(`Input not found: ${input}`);
  if (output !== '-' && (await realOrResolved(input)) === (await realOrResolved(output))) {
    throw new CliError('Destination and source cannot be the same');
  }
  if (inStat.isDirectory()) {
    if (!recursive) throw new CliError(`${input} is a directory: add -r/--recursive to process the files under it`);
    if (!outIsDir) throw new CliError('If operating on a source directory, destination must be an existing directory');
    const outReal = await realOrResolved(output);
    const jobs: Job[] = [];
    for (const file of await walk(input)) {
      // An output directory inside the input tree must not feed its own results back in.
      if (within(await realOrResolved(file), outReal)) continue;
      jobs.push({ source: file, destination: join(output, relative(input, dirname(file)), basename(file) + suffix) });
    }
    return jobs;
  }
  if (!inStat.isFile()) throw new CliError(`${input} is not a regular file`);
  return [{ source: input, destination: outIsDir ? join(output, basename(input) + suffix) : output }];
}

/** Regular files under `dir` (and symlinks to them), sorted; directory symlinks are not followed. */
async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile() || (entry.isSymbolicLink() && (await statOrUndefined(path))?.isFile())) files.push(path);
  }
  return files;
}

/** aws-encryption-cli's checks on `--metadata-output` against the input and output. */
export async function checkMetadataTarget(target: string | undefined, input: string, output: string): Promise<void> {
  if (target === undefined) return;
  if (target === '') throw new CliError('Metadata output file name cannot be empty');
  if (target === '-') {
    if (output === '-') throw new CliError('Metadata output cannot be stdout when output is stdout');
    return;
  }
  if (!(await statOrUndefined(dirname(resolve(target))))?.isDirectory()) throw new CliError('Parent directory for requested metdata file does not exist.');
  const meta = await realOrResolved(target);
  if ((await statOrUndefined(meta))?.isDirectory()) throw new CliError('Metadata output cannot be a directory');
  const src = input === '-' ? undefined : await realOrResolved(input);
  const dst = output === '-' ? undefined : await realOrResolved(output);
  if (meta === src || meta === dst) throw new CliError('Metadata output file cannot be the input or output');
  if (dst && (await statOrUndefined(dst))?.isDirectory() && within(meta, dst)) throw new CliError('Metadata output file cannot be in the output directory');
  if (src && (await statOrUndefined(src))?.isDirectory() && within(meta, src)) throw new CliError('Metadata output file cannot be in the input directory');
}

/** An opened input: its stream, its size when known (files), and its name for metadata. */
export interface Input {
  stream: Readable;
  size?: number;
  name: string;
}

/** Opens a job's source: stdin for `-`, else the file (its size feeds the progress bar). */
export async function openInput(source: string): Promise<Input> {
  if (source === '-') return { stream: process.stdin, name: '<stdin>' };
  const path = resolve(source);
  const { size } = await stat(path);
  // 1 MiB reads: fewer, larger chunks through the cipher streams (the default is 64 KiB).
  return { stream: createReadStream(path, { highWaterMark: 1 << 20 }), size, name: path };
}

/** An output being written: commit() publishes it, abort() removes every trace. */
export interface Output {
  stream: Writable;
  name: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** How an output is written and published. */
export interface OutputOptions {
  /** 0o600 for plaintext; the umask applies to 0o666 for ciphertext. */
  fileMode: number;
  /** Never replace an existing file (checked atomically when publishing). */
  overwrite: boolean;
  /** Stdout: write to a private (0600) temp file in the temp dir, copied out only after success. */
  spoolStdout: boolean;
}

/** Whether `destination` may be written: with --no-overwrite an existing file is skipped. */
export async function shouldWrite(destination: string, overwrite: boolean): Promise<boolean> {
  if (destination === '-' || overwrite) return true;
  return !(await lstat(destination).then(() => true, () => false));
}

/** Opens a job's destination as a temp file (or stdout); see the module comment. */
export async function openOutput(destination: string, options: OutputOptions): Promise<Output> {
  if (destination === '-' && !options.spoolStdout) {
    return { stream: stdoutSink(), name: '<stdout>', commit: async () => {}, abort: async () => {} };
  }
  const final = destination === '-' ? undefined : resolve(destination);
  const dir = final ? dirname(final) : tmpdir();
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${final ? basename(final) : 'coffer-stdout'}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': a fresh file of our own; flush: fsync before close, so the rename publishes durable bytes.
  const stream = createWriteStream(temp, { flags: 'wx', mode: final ? options.fileMode : 0o600, flush: Boolean(final), highWaterMark: 1 << 20 });
  await once(stream, 'open');
  const discard = async () => {
    if (!stream.closed) {
      stream.destroy();
      await once(stream, 'close').catch(() => {});
    }
    await unlink(temp).catch(() => {});
  };
  return {
    stream,
    name: final ?? '<stdout>',
    commit: async () => {
      if (!stream.closed) await once(stream, 'close');
      try {
        if (!final) await pipeline(createReadStream(temp, { highWaterMark: 1 << 20 }), stdoutSink());
        else await publish(temp, final, options.overwrite);
      } finally {
        await unlink(temp).catch(() => {});
      }
    },
    abort: discard,
  };
}

async function publish(temp: string, final: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, final);
    return;
  }
  // link() fails if the target appeared meanwhile: --no-overwrite holds even against a race.
  try {
    await link(temp, final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${final} appeared while it was being written; not overwritten (--no-overwrite)`);
    throw err;
  }
}

/**
 * process.stdout as a pipeline destination: a pipeline ends and destroys its last stream, which
 * must not happen to fd 1. Backpressure is honoured through write callbacks.
 */
function stdoutSink(): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, done) {
      process.stdout.write(chunk, (err) => done(err ?? undefined));
    },
  });
}
