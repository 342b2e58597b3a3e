import { buildClient, type AlgorithmSuiteIdentifier, type CommitmentPolicy, type KeyringNode, type MessageHeader } from '@aws-crypto/client-node';
import { Duplex } from 'node:stream';
import { jsonReadyHeader } from './metadata.js';

/**
 * Encryption into the AWS Encryption SDK message format
 * (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/message-format.html) with
 * @aws-crypto/client-node's `encryptStream`: framed, so memory stays flat for any input size.
 */
export interface EsdkEncryptSettings {
  keyring: KeyringNode;
  commitmentPolicy: CommitmentPolicy;
  maxEncryptedDataKeys?: number;
  suiteId?: AlgorithmSuiteIdentifier;
  frameLength?: number;
  encryptionContext: Record<string, string>;
}

/** A running operation: the streams to pipe through, and its metadata once the header is known. */
export interface Operation {
  /** Piped in order between the (decoded) input and the (encoded) output. */
  streams: Duplex[];
  /** Settles with the metadata fields of the operation (`header`, ...) or with its error. */
  metadata: Promise<Record<string, unknown>>;
}

/**
 * The Encryption SDK's (and aws-encryption-cli's) default frame is 4 KiB. Coffer writes 64 KiB
 * frames, which the format and every SDK read: the per-frame costs (a cipher, an IV, a tag) over
 * 16 times fewer frames took the CLI from ~30% to ~65% of raw AES-256-GCM's throughput
 * (bench/envelope.bench.ts); 1 MiB frames gained nothing more. --frame-length overrides it.
 */
export const DEFAULT_FRAME_LENGTH = 64 * 1024;

/** Encrypts one message; metadata settles with its header once KMS produced the data key. */
export function esdkEncrypt(settings: EsdkEncryptSettings): Operation {
  const { encryptStream } = buildClient({ commitmentPolicy: settings.commitmentPolicy, maxEncryptedDataKeys: settings.maxEncryptedDataKeys ?? false });
  const stream = encryptStream(settings.keyring, {
    encryptionContext: settings.encryptionContext,
    frameLength: settings.frameLength ?? DEFAULT_FRAME_LENGTH,
    suiteId: settings.suiteId,
  });
  const metadata = new Promise<Record<string, unknown>>((resolve, reject) => {
    stream.once('MessageHeader', (header: MessageHeader) => resolve({ header: jsonReadyHeader(header) }));
    // The SDK may emit more than one error (its inner pipeline reports again): keep listening.
    stream.on('error', reject);
  });
  metadata.catch(() => {});
  return { streams: [guarded(stream)], metadata };
}

/**
 * The SDK's encryptStream joins its two inner streams with readable-stream's pipeline() and no
 * callback, so destroying it mid-message (Ctrl-C, a full disk, a closed stdout) makes that
 * pipeline throw "Premature close" from a callback: an uncaught exception, a stack trace and a
 * temp file left behind. This wrapper never destroys it: when the run is torn down it ends the
 * SDK stream and drains it into nothing, so it finishes quietly while the run reports its error.
 */
function guarded(inner: Duplex): Duplex {
  let torn = false;
  const outer = new Duplex({
    read() {
      inner.resume();
    },
    write(chunk: Buffer, _enc, done) {
      inner.write(chunk, done);
    },
    final(done) {
      inner.end();
      done();
    },
    destroy(err, done) {
      torn = true;
      inner.resume();
      inner.end();
      done(err);
    },
  });
  inner.on('data', (chunk: Buffer) => {
    if (!torn && !outer.push(chunk)) inner.pause();
  });
  inner.on('end', () => {
    if (!torn) outer.push(null);
  });
  inner.on('error', (err: Error) => {
    if (!torn) outer.destroy(err);
  });
  // Events the run listens for on the SDK stream itself.
  inner.once('MessageHeader', (header: MessageHeader) => outer.emit('MessageHeader', header));
  return outer;
}
