import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EncryptedDataKey } from '@aws-crypto/client-node';
import { jsonReadyHeader, MetadataWriter, pythonJson } from './metadata.js';

describe('metadata in aws-encryption-cli form', () => {
  it('serializes exactly as Python json.dumps(sort_keys=True)', () => {
    const value = { z: [1, 'two', null, true], a: { 'ü': 'é\n"\\', b: '\u007f\u0001' }, m: 'snow ☃ 😀', n: -0.5 };
    const python = execFileSync('python3', ['-c', 'import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read()), sort_keys=True))'], { input: JSON.stringify(value) }).toString();
    assert.equal(pythonJson(value), python);
  });

  it('renders a header with the Python SDK\'s field names, keys sorted as bytes', () => {
    const edk = (info: string, key: number) => new EncryptedDataKey({ providerId: 'aws-kms', providerInfo: info, encryptedDataKey: new Uint8Array([key]) });
    const header = jsonReadyHeader({
      version: 2,
      suiteId: 0x0578,
      messageId: new Uint8Array(32).fill(1),
      encryptionContext: { purpose: 'x' },
      encryptedDataKeys: [edk('arn:b', 2), edk('arn:a', 1)],
      contentType: 2,
      frameLength: 4096,
      suiteData: new Uint8Array(32).fill(7),
    } as never);
    assert.deepEqual(header, {
      version: '2.0',
      type: null,
      algorithm: 'AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384',
      message_id: Buffer.alloc(32, 1).toString('base64'),
      encryption_context: { purpose: 'x' },
      encrypted_data_keys: [
        { key_provider: { provider_id: 'YXdzLWttcw==', key_info: Buffer.from('arn:a').toString('base64') }, encrypted_data_key: 'AQ==' },
        { key_provider: { provider_id: 'YXdzLWttcw==', key_info: Buffer.from('arn:b').toString('base64') }, encrypted_data_key: 'Ag==' },
      ],
      content_type: 2,
      header_iv_length: null,
      frame_length: 4096,
      commitment_key: Buffer.alloc(32, 7).toString('base64'),
    });
  });

  it('appends one line per record, or overwrites the file once with --overwrite-metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-meta-'));
    try {
      const file = join(dir, 'meta.json');
      new MetadataWriter(file).write({ mode: 'encrypt', n: 1 });
      new MetadataWriter(file).write({ mode: 'encrypt', n: 2 });
      assert.equal(await readFile(file, 'utf8'), '{"mode": "encrypt", "n": 1}\n{"mode": "encrypt", "n": 2}\n');
      const overwriting = new MetadataWriter(file, true);
      overwriting.write({ n: 3 });
      overwriting.write({ n: 4 });
      assert.equal(await readFile(file, 'utf8'), '{"n": 3}\n{"n": 4}\n');
      assert.equal(new MetadataWriter(undefined).suppressed, true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
