import { appendFileSync, writeFileSync } from 'node:fs';
import type { MessageHeader } from '@aws-crypto/client-node';
import { algorithmName } from './args.js';

/**
 * `--metadata-output`: one JSON line per file, exactly as aws-encryption-cli writes it
 * (aws_encryption_sdk_cli/internal/metadata.py): Python's `json.dumps(..., sort_keys=True)` of
 * {mode, input, output, header[, header_auth]} with the header in the Python SDK's field names
 * and every byte string base64-encoded; a decryption refused over its encryption context adds
 * {skipped, reason, missing_encryption_context_keys, missing_encryption_context_pairs}.
 */

/** A MessageHeader as aws-encryption-cli's `json_ready_header` renders it. */
export function jsonReadyHeader(header: MessageHeader): Record<string, unknown> {
  const v1 = header.version === 1;
  const edks = header.encryptedDataKeys.map((edk) => ({
    id: Buffer.from(edk.providerId, 'utf8'),
    info: edk.rawInfo ? Buffer.from(edk.rawInfo) : Buffer.from(edk.providerInfo, 'utf8'),
    key: Buffer.from(edk.encryptedDataKey),
  }));
  // The Python CLI sorts the keys by provider id then key info, compared as bytes.
  edks.sort((a, b) => Buffer.compare(Buffer.concat([a.id, a.info]), Buffer.concat([b.id, b.info])));
  return {
    version: v1 ? '1.0' : '2.0',
    type: 'type' in header ? header.type : null,
    algorithm: algorithmName(header.suiteId),
    message_id: b64(header.messageId),
    encryption_context: { ...header.encryptionContext },
    encrypted_data_keys: edks.map((e) => ({
      key_provider: { provider_id: e.id.toString('base64'), key_info: e.info.toString('base64') },
      encrypted_data_key: e.key.toString('base64'),
    })),
    content_type: header.contentType,
    header_iv_length: 'headerIvLength' in header ? header.headerIvLength : null,
    frame_length: header.frameLength,
    commitment_key: 'suiteData' in header && header.suiteData.length ? b64(header.suiteData) : null,
  };
}

/** The header authentication a decryption read, rendered like `json_ready_header_auth`. */
export interface HeaderAuth {
  iv: Uint8Array;
  tag: Uint8Array;
}

/** Header authentication as aws-encryption-cli's `json_ready_header_auth` renders it. */
export function jsonReadyHeaderAuth(auth: HeaderAuth): Record<string, string> {
  return { iv: b64(auth.iv), tag: b64(auth.tag) };
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * Serializes like Python's `json.dumps(value, sort_keys=True)`: keys sorted at every level,
 * `", "` and `": "` separators, non-ASCII escaped as \uXXXX (ensure_ascii).
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
}

/** Where metadata goes: nowhere (-S), stdout ('-'), or a file appended to (or overwritten once). */
export class MetadataWriter {
  private overwriteNext: boolean;

  constructor(private readonly target: string | undefined, overwrite = false) {
    this.overwriteNext = overwrite;
  }

  get suppressed(): boolean {
    return this.target === undefined;
  }

  /** Writes one record; synchronous so records of consecutive files never interleave. */
  write(record: Record<string, unknown>): void {
    if (this.target === undefined) return;
    const line = pythonJson(record) + '\n';
    if (this.target === '-') {
      process.stdout.write(line);
    } else if (this.overwriteNext) {
      writeFileSync(this.target, line);
      this.overwriteNext = false;
    } else {
      appendFileSync(this.target, line);
    }
  }
}
