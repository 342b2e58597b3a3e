import type { KmsCallLog } from './kms-client.js';

/** An error meant for the user: its message is one line, names no secret and is printed as is. */
export class CliError extends Error {}

/** What the failing operation knew when it failed, to explain the failure. */
export interface FailureContext {
  mode: 'encrypt' | 'decrypt';
  format: 'aws-esdk' | 'fernet';
  kms: KmsCallLog;
  /** Decrypt: the key ARNs the message's data key is wrapped under, once its header was read. */
  wrappedUnder?: string[];
}

const FS_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ENOSPC', 'EEXIST', 'EROFS', 'EMFILE']);
const NET_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH']);
/** How the Encryption SDK says that no keyring produced a data key. */
const NO_DATA_KEY = /unencryptedDataKey has not been set|Unable to decrypt data key|did not generate a data key/;

/**
 * Turns whatever a run threw (AWS SDK, Encryption SDK, node:crypto, fs) into one line without a
 * stack. The Encryption SDK folds KMS failures into text with embedded stack traces; the KMS call
 * log has the same failures as code + message, which is what the user needs.
 */
export function describeFailure(err: unknown, ctx: FailureContext): string {
  if (err instanceof CliError) return err.message;
  const e = (err ?? {}) as NodeJS.ErrnoException & { $metadata?: unknown };
  const message = firstLine(e.message ?? String(err));
  if (e.code && FS_CODES.has(e.code)) return message.replace(/^[A-Z]+: /, '');
  if (e.code === 'EPIPE') return 'output closed before everything was written';
  if (e.code && NET_CODES.has(e.code)) return `cannot reach KMS: ${message}`;
  // The SDK's client setup failures, whether raised directly or recorded on a KMS call.
  const setup = `${message}\n${ctx.kms.failures.at(-1)?.message ?? ''}`;
  if (/Region is missing/i.test(setup)) return 'no AWS region for KMS: pass --region, a wrapping key region=..., or set AWS_REGION';
  if (/Could not load credentials/i.test(setup)) return 'no AWS credentials for KMS: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile';
  const refusal = settingRefusal(message);
  if (refusal) return refusal;
  if (e.$metadata !== undefined || NO_DATA_KEY.test(message)) {
    const failure = ctx.kms.failures.at(-1);
    if (failure && NET_CODES.has(failure.code)) return `cannot reach KMS: ${failure.message}`;
    if (failure) {
      const key = failure.keyId ? ` with ${failure.keyId}` : '';
      return `KMS ${failure.operation}${key} failed: ${failure.code}: ${failure.message}`;
    }
    if (ctx.mode === 'decrypt' && ctx.format === 'aws-esdk') {
      const under = ctx.wrappedUnder?.length ? `; it is wrapped under ${ctx.wrappedUnder.join(', ')}` : '';
      return `none of the given wrapping keys can decrypt this message's data key${under}`;
    }
    return message;
  }
  if (ctx.mode === 'decrypt' && ctx.format === 'aws-esdk') {
    return ctx.wrappedUnder
      ? `message authentication failed: the input is corrupt or was tampered with (${message})`
      : `the input is not an AWS Encryption SDK message, or its header is damaged (${message})`;
  }
  return message;
}

/** The SDK's refusals that follow from the command's own settings, said in its flags' terms. */
function settingRefusal(message: string): string | undefined {
  const suite = /Algorithm ID was (\w+)/.exec(message)?.[1];
  if (/requiring only un-signed messages/.test(message)) return `the message is signed (${suite}), which --decrypt-unsigned refuses`;
  if (/requiring only committed messages/.test(message)) {
    return `the message's algorithm suite (${suite}) does not commit to its key, which --commitment-policy require-encrypt-require-decrypt refuses; require-encrypt-allow-decrypt reads it`;
  }
  if (message === 'maxBodySize exceeded.') return 'the message has a frame larger than --max-length';
  if (message === 'maxEncryptedDataKeys exceeded.') return 'more wrapped data keys than --max-encrypted-data-keys allows';
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'unknown error';
}

/**
 * Makes a command that stops without finishing (a stream that never ends lets Node's event loop
 * drain and exit 0) exit non-zero with a message instead: a script must never take an unfinished
 * decryption for a finished one. Call the returned function once the command completed.
 */
export function exitNonZeroUnlessCompleted(): () => void {
  const onBeforeExit = () => {
    process.stderr.write('coffer: the operation stopped before completing; nothing was published\n');
  };
  process.exitCode = 1;
  process.once('beforeExit', onBeforeExit);
  return () => {
    process.off('beforeExit', onBeforeExit);
    process.exitCode = 0;
  };
}
