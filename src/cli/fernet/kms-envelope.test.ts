import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { parseEncryptionContext } from '../envelope/args.js';
import { KmsStub } from '../envelope/testing/kms-stub.js';
import { InvalidToken, keyFromBytes, tokenDecryptor } from './fernet.js';
import { FernetKmsDecryptStream, FernetKmsEncryptStream, parseEnvelopeHeader } from './kms-envelope.js';

const through = (stream: Transform, data: Buffer, size = 1000) =>
  buffer(Readable.from(Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size))).pipe(stream));
const none = { context: {}, requiredKeys: [] };

describe('Fernet envelope under a KMS data key', () => {
  it('round-trips 0 bytes, 1 byte and 1 MiB, the key named by alias and stored as its ARN', async () => {
    const kms = new KmsStub();
    const arn = kms.createKey('alias/app');
    for (const n of [0, 1, 1 << 20]) {
      const data = randomBytes(n);
      const envelope = await through(new FernetKmsEncryptStream(kms.supplier(), 'alias/app', { app: 'web' }), data);
      const [line, token] = [envelope.subarray(0, envelope.indexOf(10)).toString(), envelope.subarray(envelope.indexOf(10) + 1).toString()];
      const header = parseEnvelopeHeader(line);
      assert.equal(header.keyId, arn);
      assert.deepEqual(header.encryptionContext, { app: 'web' });
      assert.match(token, /^gAAAAA[A-Za-z0-9_-]+=*$/);
      assert.deepEqual(await through(new FernetKmsDecryptStream(kms.supplier(), { required: parseEncryptionContext(['app=web'], 'decrypt') }), envelope, 7), data);
    }
  });

  it('is a plain Fernet token under base64url(data key), as the format comment says', async () => {
    const kms = new KmsStub();
    kms.createKey('alias/app');
    const envelope = await through(new FernetKmsEncryptStream(kms.supplier(), 'alias/app', {}), Buffer.from('hello'));
    const nl = envelope.indexOf(10);
    const header = parseEnvelopeHeader(envelope.subarray(0, nl).toString());
    const { Plaintext } = await kms.client().decrypt({ CiphertextBlob: Buffer.from(header.encryptedDataKey, 'base64'), KeyId: header.keyId });
    const codec = tokenDecryptor(keyFromBytes(Plaintext!));
    assert.equal(Buffer.concat([codec.update(envelope.subarray(nl + 1)), codec.final()]).toString(), 'hello');
  });

  it('refuses a wrong context before asking KMS, another key, and a tampered token', async () => {
    const kms = new KmsStub();
    const arn = kms.createKey();
    const envelope = await through(new FernetKmsEncryptStream(kms.supplier(), arn, { app: 'web' }), Buffer.from('secret'));
    const calls = kms.calls.length;
    await assert.rejects(through(new FernetKmsDecryptStream(kms.supplier(), { required: parseEncryptionContext(['app=db'], 'decrypt') }), envelope), /encryption context mismatch: the envelope does not have app=db/);
    assert.equal(kms.calls.length, calls);
    const other = kms.createKey();
    await assert.rejects(through(new FernetKmsDecryptStream(kms.supplier(), { required: none, keyId: other }), envelope), /wrapped under .*, not /);
    const tampered = Buffer.from(envelope);
    tampered[tampered.length - 10] = tampered[tampered.length - 10] === 0x41 ? 0x42 : 0x41;
    await assert.rejects(through(new FernetKmsDecryptStream(kms.supplier(), { required: none }), tampered), InvalidToken);
    kms.disable(arn);
    await assert.rejects(through(new FernetKmsDecryptStream(kms.supplier(), { required: none }), envelope), { name: 'DisabledException' });
  });

  it('refuses inputs that are not envelopes, with one-line reasons', async () => {
    const kms = new KmsStub();
    const decrypt = () => new FernetKmsDecryptStream(kms.supplier(), { required: none });
    await assert.rejects(through(decrypt(), Buffer.from('gAAAAAB-no-header')), /not a Coffer Fernet envelope \(no header line\)/);
    await assert.rejects(through(decrypt(), Buffer.from('not json\nrest')), /its first line is not JSON/);
    await assert.rejects(through(decrypt(), Buffer.from('{"format":"other"}\n')), /format is not "coffer-fernet-kms"/);
    await assert.rejects(through(decrypt(), Buffer.from('{"format":"coffer-fernet-kms","version":2}\n')), /unsupported Coffer Fernet envelope version 2/);
    await assert.rejects(through(decrypt(), Buffer.alloc(0)), /no header line/);
  });
});
