import { FernetKmsDecryptStream, FernetKmsEncryptStream } from '../fernet/kms-envelope.js';
import {
  checkAlgorithm,
  COMMITMENT_POLICIES,
  parseEncryptionContext,
  parseWrappingKeys,
  positiveInt,
  type WrappingKeyGroup,
} from './args.js';
import { esdkDecrypt } from './decrypt.js';
import { esdkEncrypt, type Operation } from './encrypt.js';
import { CliError, describeFailure, exitNonZeroUnlessCompleted, type FailureContext } from './errors.js';
import { checkMetadataTarget, planJobs } from './io.js';
import { buildKeyring, ObservedKeyring } from './keyring.js';
import { KmsCallLog, kmsClientSupplier, type KmsSettings } from './kms-client.js';
import { MetadataWriter } from './metadata.js';
import { runJobs, type RunOptions } from './run.js';

/** The options commander hands `coffer encrypt|decrypt` (see index.ts). */
export interface EnvelopeOptions {
  input: string;
  output: string;
  encryptionContext?: string[];
  commitmentPolicy: string;
  maxEncryptedDataKeys?: string;
  metadataOutput?: string;
  overwriteMetadata?: boolean;
  suppressMetadata?: boolean;
  recursive?: boolean;
  R?: boolean;
  suffix?: string | true;
  encode?: boolean;
  decode?: boolean;
  overwrite: boolean;
  buffer?: boolean;
  endpointUrl?: string;
  region?: string;
  profile?: string;
  format: 'aws-esdk' | 'fernet';
  keyId?: string;
  quiet?: boolean;
  algorithm?: string;
  frameLength?: string;
  decryptUnsigned?: boolean;
  maxLength?: string;
  ttl?: string;
}

type Mode = 'encrypt' | 'decrypt';

/** `coffer encrypt`: every failure leaves as one CliError line (main.ts prints it, exit 1). */
export function encryptAction(opts: EnvelopeOptions, wrappingKeyArgs: string[][]): Promise<void> {
  return runCommand('encrypt', opts, wrappingKeyArgs);
}

/** `coffer decrypt`. */
export function decryptAction(opts: EnvelopeOptions, wrappingKeyArgs: string[][]): Promise<void> {
  return runCommand('decrypt', opts, wrappingKeyArgs);
}

async function runCommand(mode: Mode, opts: EnvelopeOptions, wrappingKeyArgs: string[][]): Promise<void> {
  const ctx: FailureContext = { mode, format: opts.format, kms: new KmsCallLog() };
  const completed = exitNonZeroUnlessCompleted();
  try {
    const operation = opts.format === 'fernet' ? fernetOperation(mode, opts, wrappingKeyArgs, ctx) : esdkOperation(mode, opts, wrappingKeyArgs, ctx);
    const metadata = opts.format === 'fernet' ? undefined : metadataWriter(opts);
    await checkMetadataTarget(metadata?.suppressed === false ? opts.metadataOutput : undefined, opts.input, opts.output);
    const jobs = await planJobs({
      input: opts.input,
      output: opts.output,
      recursive: Boolean(opts.recursive || opts.R),
      mode,
      suffix: opts.suffix === true ? '' : opts.suffix,
    });
    const run: RunOptions = {
      mode,
      decode: Boolean(opts.decode),
      encode: Boolean(opts.encode),
      overwrite: opts.overwrite,
      // A Fernet token is authenticated only at its very end: never stream its plaintext out early.
      spoolStdout: Boolean(opts.buffer) || (opts.format === 'fernet' && mode === 'decrypt'),
      metadata,
      stderr: opts.quiet ? undefined : process.stderr,
    };
    await runJobs(jobs, run, operation);
    completed();
  } catch (err) {
    throw new CliError(describeFailure(err, ctx));
  }
}

function metadataWriter(opts: EnvelopeOptions): MetadataWriter {
  if (opts.suppressMetadata && opts.metadataOutput !== undefined) throw new CliError('argument --metadata-output: not allowed with argument -S/--suppress-metadata');
  if (!opts.suppressMetadata && opts.metadataOutput === undefined) throw new CliError('one of the arguments -S/--suppress-metadata --metadata-output is required');
  return new MetadataWriter(opts.suppressMetadata ? undefined : opts.metadataOutput, Boolean(opts.overwriteMetadata));
}

function kmsSettings(opts: EnvelopeOptions, group?: WrappingKeyGroup): KmsSettings {
  return { endpointUrl: opts.endpointUrl, profile: group?.profile ?? opts.profile, region: group?.region ?? opts.region };
}

/** Refuses options that mean nothing for the chosen format, instead of ignoring them. */
function refuse(opts: EnvelopeOptions, names: [keyof EnvelopeOptions, string][], format: string): void {
  const given = names.find(([key]) => opts[key] !== undefined);
  if (given) throw new CliError(`${given[1]} does not apply to --format ${format}`);
}

function esdkOperation(mode: Mode, opts: EnvelopeOptions, wrappingKeyArgs: string[][], ctx: FailureContext): () => Operation {
  refuse(opts, [['keyId', '--key-id'], ['ttl', '--ttl']], 'aws-esdk');
  const groups = parseWrappingKeys(wrappingKeyArgs, mode);
  const commitmentPolicy = COMMITMENT_POLICIES[opts.commitmentPolicy]!;
  const maxEncryptedDataKeys = positiveInt(opts.maxEncryptedDataKeys, '--max-encrypted-data-keys', 65535);
  const context = parseEncryptionContext(opts.encryptionContext ?? [], mode);
  const keyring = buildKeyring(groups, mode, (group) => kmsClientSupplier(kmsSettings(opts, group), ctx.kms));
  if (mode === 'encrypt') {
    const suiteId = checkAlgorithm(opts.algorithm, commitmentPolicy);
    const frameLength = positiveInt(opts.frameLength, '--frame-length', 0xffffffff);
    return () => esdkEncrypt({ keyring, commitmentPolicy, maxEncryptedDataKeys, suiteId, frameLength, encryptionContext: context.context });
  }
  const maxBodySize = positiveInt(opts.maxLength, '--max-length');
  const observed = new ObservedKeyring(keyring, (arns) => (ctx.wrappedUnder = arns));
  return () => {
    ctx.wrappedUnder = undefined;
    return esdkDecrypt({ keyring: observed, commitmentPolicy, maxEncryptedDataKeys, maxBodySize, unsignedOnly: Boolean(opts.decryptUnsigned), required: context });
  };
}

function fernetOperation(mode: Mode, opts: EnvelopeOptions, wrappingKeyArgs: string[][], ctx: FailureContext): () => Operation {
  if (wrappingKeyArgs.length) throw new CliError('--wrapping-keys does not apply to --format fernet (use --key-id)');
  refuse(opts, [
    ['metadataOutput', '--metadata-output'], ['suppressMetadata', '-S/--suppress-metadata'], ['algorithm', '--algorithm'],
    ['frameLength', '--frame-length'], ['maxEncryptedDataKeys', '--max-encrypted-data-keys'], ['decryptUnsigned', '--decrypt-unsigned'],
    ['maxLength', '--max-length'],
  ], 'fernet');
  const supplier = kmsClientSupplier(kmsSettings(opts), ctx.kms);
  const context = parseEncryptionContext(opts.encryptionContext ?? [], mode);
  const done = { metadata: Promise.resolve({}) };
  if (mode === 'encrypt') {
    const keyId = opts.keyId;
    if (!keyId) throw new CliError('--format fernet needs --key-id <KMS key id, ARN or alias>');
    if (opts.ttl !== undefined) throw new CliError('--ttl applies when decrypting');
    return () => ({ streams: [new FernetKmsEncryptStream(supplier, keyId, context.context)], ...done });
  }
  const ttlSeconds = positiveInt(opts.ttl, '--ttl');
  return () => ({
    streams: [new FernetKmsDecryptStream(supplier, { required: context, keyId: opts.keyId, ttlSeconds })],
    ...done,
  });
}
