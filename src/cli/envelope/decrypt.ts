import { buildClient, type CommitmentPolicy, type KeyringNode, type MessageHeader } from '@aws-crypto/client-node';
import { Transform } from 'node:stream';
import { checkRequiredContext, type ContextArgs, type ContextMismatch } from './args.js';
import type { Operation } from './encrypt.js';
import { CliError } from './errors.js';
import { jsonReadyHeader, jsonReadyHeaderAuth, type HeaderAuth } from './metadata.js';

/**
 * Decryption of AWS Encryption SDK messages with @aws-crypto/client-node's `decryptStream`, plus
 * aws-encryption-cli's encryption-context requirement: every `k=v` pair and bare `k` given on the
 * command line must be in the message's (authenticated) context, or nothing is written.
 */
export interface EsdkDecryptSettings {
  keyring: KeyringNode;
  commitmentPolicy: CommitmentPolicy;
  maxEncryptedDataKeys?: number;
  /** `--max-length`: the largest frame (or non-framed body) accepted. */
  maxBodySize?: number;
  /** `--decrypt-unsigned`: refuse messages of signing suites. */
  unsignedOnly: boolean;
  required: ContextArgs;
}

/** A message whose encryption context lacks what was required; carries the metadata record. */
export class ContextMismatchError extends CliError {
  constructor(readonly mismatch: ContextMismatch, readonly record: Record<string, unknown>) {
    const missing = [...mismatch.missingKeys, ...mismatch.missingPairs.map(([k, v]) => `${k}=${v}`)];
    super(`encryption context mismatch: the message does not have ${missing.join(', ')}`);
  }
}

/** Bytes of the header as serialized, which the header authentication follows. */
export function serializedHeaderLength(header: MessageHeader): number {
  const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
  const pairs = Object.entries(header.encryptionContext);
  const context = pairs.length ? 2 + pairs.reduce((n, [k, v]) => n + 2 + utf8(k) + 2 + utf8(v), 0) : 0;
  const keys = header.encryptedDataKeys.reduce((n, edk) =>
    n + 2 + utf8(edk.providerId) + 2 + (edk.rawInfo?.length ?? utf8(edk.providerInfo)) + 2 + edk.encryptedDataKey.length, 0);
  const shared = 2 /* suite */ + 2 /* context length */ + context + 2 /* key count */ + keys + 1 /* content type */ + 4 /* frame length */;
  return 'suiteData' in header
    ? 1 /* version */ + 32 /* message id */ + shared + header.suiteData.length
    : 1 /* version */ + 1 /* type */ + 16 /* message id */ + shared + 4 /* reserved */ + 1 /* IV length */;
}

const TAG_LENGTH = 16;
/** Headers larger than this (thousands of wrapped keys) get no header_auth in the metadata. */
const HEADER_CAPTURE_LIMIT = 1 << 20;

/** The header authentication fields that follow a header within `prefix`, the message's first bytes. */
export function readHeaderAuth(header: MessageHeader, prefix: Buffer): HeaderAuth | undefined {
  const at = serializedHeaderLength(header);
  if ('suiteData' in header) {
    // Version 2 leaves the IV out of the message: it is all zeros (message-header.md).
    return prefix.length >= at + TAG_LENGTH ? { iv: Buffer.alloc(12), tag: prefix.subarray(at, at + TAG_LENGTH) } : undefined;
  }
  const ivLength = header.headerIvLength;
  if (prefix.length < at + ivLength + TAG_LENGTH) return undefined;
  return { iv: prefix.subarray(at, at + ivLength), tag: prefix.subarray(at + ivLength, at + ivLength + TAG_LENGTH) };
}

/** Decrypts one message; metadata settles with its header (and header_auth) once it checked out. */
export function esdkDecrypt(settings: EsdkDecryptSettings): Operation {
  const client = buildClient({ commitmentPolicy: settings.commitmentPolicy, maxEncryptedDataKeys: settings.maxEncryptedDataKeys ?? false });
  const options = { maxBodySize: settings.maxBodySize };
  const decrypt = settings.unsignedOnly ? client.decryptUnsignedMessageStream(settings.keyring, options) : client.decryptStream(settings.keyring, options);
  // The SDK does not hand out the header authentication, which aws-encryption-cli's metadata
  // shows: keep the first bytes until the header is known and read it from there.
  let prefix: Buffer[] | undefined = [];
  let captured = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, next) {
      if (prefix && captured < HEADER_CAPTURE_LIMIT) {
        prefix.push(chunk);
        captured += chunk.length;
      }
      next(null, chunk);
    },
  });
  const metadata = new Promise<Record<string, unknown>>((resolve, reject) => {
    decrypt.once('MessageHeader', (header: MessageHeader) => {
      const auth = prefix && readHeaderAuth(header, Buffer.concat(prefix));
      prefix = undefined;
      const record: Record<string, unknown> = { header: jsonReadyHeader(header) };
      if (auth) record.header_auth = jsonReadyHeaderAuth(auth);
      const mismatch = checkRequiredContext(header.encryptionContext, settings.required);
      if (mismatch) {
        // Synchronously, before the SDK releases the first frame (it does so on the next tick).
        const err = new ContextMismatchError(mismatch, {
          ...record,
          skipped: true,
          reason: 'Missing encryption context key or value',
          missing_encryption_context_keys: mismatch.missingKeys,
          missing_encryption_context_pairs: mismatch.missingPairs,
        });
        decrypt.destroy(err);
        reject(err);
        return;
      }
      resolve(record);
    });
    // The SDK may emit more than one error (its inner pipeline reports again): keep listening.
    decrypt.on('error', reject);
  });
  metadata.catch(() => {});
  return { streams: [tap, decrypt], metadata };
}
