import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { positiveInt } from '../envelope/args.js';
import { codecStream } from '../envelope/codec.js';
import { CliError, describeFailure, exitNonZeroUnlessCompleted } from '../envelope/errors.js';
import { planJobs } from '../envelope/io.js';
import { KmsCallLog } from '../envelope/kms-client.js';
import { runJobs } from '../envelope/run.js';
import { generateKey, parseKey, tokenDecryptor, tokenEncryptor, type FernetKey } from './fernet.js';

/**
 * `coffer fernet generate-key|encrypt|decrypt`: Fernet with a key you hold, interchangeable with
 * Python's `cryptography.fernet.Fernet` (same keys, same tokens). For a key held by KMS instead,
 * see `coffer encrypt --format fernet`.
 */
export function registerFernetCommands(program: Command): void {
  const fernet = program.command('fernet').description('Fernet tokens (https://github.com/fernet/spec), as Python\'s cryptography.fernet');
  fernet
    .command('generate-key')
    .description('print a new random Fernet key (url-safe base64 of 32 bytes), as Fernet.generate_key()')
    .action(() => {
      process.stdout.write(`${generateKey()}\n`);
    });
  for (const mode of ['encrypt', 'decrypt'] as const) {
    const cmd = fernet
      .command(mode)
      .description(mode === 'encrypt' ? 'encrypt into a Fernet token' : 'verify and decrypt a Fernet token (nothing is written unless it is authentic)')
      .option('--key <key>', 'the Fernet key (visible to other local users in the process list: prefer --key-file or COFFER_FERNET_KEY)')
      .option('--key-file <path>', 'read the Fernet key from a file')
      .option('-i, --input <path>', 'input file or directory, or - for stdin', '-')
      .option('-o, --output <path>', 'output file or directory, or - for stdout', '-')
      .option('-r, --recursive', 'process every file under an input directory')
      .option('--suffix [suffix]', `suffix for output names in a directory (default .${mode}ed; bare --suffix: none)`)
      .option('--no-overwrite', 'never replace an existing output file (skip it)')
      .option('-q, --quiet', 'no warnings, no progress bar');
    if (mode === 'decrypt') cmd.option('--ttl <seconds>', 'refuse tokens older than this many seconds');
    cmd.addHelpText('after', mode === 'encrypt'
      ? '\nExamples:\n  key=$(coffer fernet generate-key)\n  echo -n hello | COFFER_FERNET_KEY=$key coffer fernet encrypt > token\n'
      : '\nExamples:\n  COFFER_FERNET_KEY=$key coffer fernet decrypt --ttl 3600 -i token\n');
    cmd.action((opts: FernetOptions) => fernetAction(mode, opts));
  }
}

interface FernetOptions {
  key?: string;
  keyFile?: string;
  input: string;
  output: string;
  recursive?: boolean;
  suffix?: string | true;
  overwrite: boolean;
  quiet?: boolean;
  ttl?: string;
}

async function loadKey(opts: FernetOptions): Promise<FernetKey> {
  const sources = [opts.key, opts.keyFile, process.env.COFFER_FERNET_KEY].filter((s) => s !== undefined);
  if (opts.key !== undefined && opts.keyFile !== undefined) throw new CliError('give the key once: --key or --key-file');
  if (!sources.length) throw new CliError('no Fernet key: pass --key-file <path>, --key <key>, or set COFFER_FERNET_KEY');
  const text = opts.keyFile !== undefined ? await readFile(opts.keyFile, 'utf8') : (opts.key ?? process.env.COFFER_FERNET_KEY)!;
  return parseKey(text);
}

async function fernetAction(mode: 'encrypt' | 'decrypt', opts: FernetOptions): Promise<void> {
  const completed = exitNonZeroUnlessCompleted();
  try {
    const key = await loadKey(opts);
    const ttlSeconds = positiveInt(opts.ttl, '--ttl');
    const jobs = await planJobs({ input: opts.input, output: opts.output, recursive: Boolean(opts.recursive), mode, suffix: opts.suffix === true ? '' : opts.suffix });
    await runJobs(jobs, {
      mode,
      decode: false,
      encode: false,
      overwrite: opts.overwrite,
      // A token is authenticated only at its end: stdout gets nothing before that.
      spoolStdout: mode === 'decrypt',
      stderr: opts.quiet ? undefined : process.stderr,
    }, () => ({
      streams: [codecStream(mode === 'encrypt' ? tokenEncryptor(key) : tokenDecryptor(key, { ttlSeconds }))],
      metadata: Promise.resolve({}),
    }));
    completed();
  } catch (err) {
    throw new CliError(describeFailure(err, { mode, format: 'fernet', kms: new KmsCallLog() }));
  }
}
