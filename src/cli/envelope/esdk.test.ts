import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, type MessageHeader } from '@aws-crypto/client-node';
import { parseEncryptionContext, parseWrappingKeys, type ContextArgs } from './args.js';
import { ContextMismatchError, esdkDecrypt, readHeaderAuth, serializedHeaderLength } from './decrypt.js';
import { esdkEncrypt, type Operation } from './encrypt.js';
import { describeFailure, type FailureContext } from './errors.js';
import { buildKeyring, ObservedKeyring } from './keyring.js';
import { KmsCallLog, loggedClient } from './kms-client.js';
import { KmsStub } from './testing/kms-stub.js';

const POLICY = CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT;

/** Runs an operation over `input`, returning its output (everything it let through) and result. */
async function run(op: Operation, input: Buffer): Promise<{ output: Buffer; metadata?: Record<string, unknown>; error?: unknown }> {
  const written: Buffer[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (written.push(chunk), done()) });
  const chunks = [];
  for (let i = 0; i < input.length; i += 65536) chunks.push(input.subarray(i, i + 65536));
  try {
    await pipeline([Readable.from(chunks), ...op.streams, sink]);
    return { output: Buffer.concat(written), metadata: await op.metadata };
  } catch (error) {
    return { output: Buffer.concat(written), error };
  }
}

function setup() {
  const kms = new KmsStub();
  const log = new KmsCallLog();
  const supplierFor = () => () => loggedClient(kms.client(), log);
  const encryptWith = (wrapping: string[][], context: Record<string, string> = {}, extra: { suiteId?: AlgorithmSuiteIdentifier; frameLength?: number; maxEncryptedDataKeys?: number; commitmentPolicy?: CommitmentPolicy } = {}) =>
    esdkEncrypt({ keyring: buildKeyring(parseWrappingKeys(wrapping, 'encrypt'), 'encrypt', supplierFor), commitmentPolicy: extra.commitmentPolicy ?? POLICY, encryptionContext: context, ...extra });
  const ctx: FailureContext = { mode: 'decrypt', format: 'aws-esdk', kms: log };
  const decryptWith = (wrapping: string[][], required: ContextArgs = { context: {}, requiredKeys: [] }, extra: { commitmentPolicy?: CommitmentPolicy; unsignedOnly?: boolean } = {}) => {
    ctx.wrappedUnder = undefined;
    return esdkDecrypt({
      keyring: new ObservedKeyring(buildKeyring(parseWrappingKeys(wrapping, 'decrypt'), 'decrypt', supplierFor), (arns) => (ctx.wrappedUnder = arns)),
      commitmentPolicy: extra.commitmentPolicy ?? POLICY,
      unsignedOnly: extra.unsignedOnly ?? false,
      required,
    });
  };
  return { kms, log, ctx, encryptWith, decryptWith };
}

describe('AWS Encryption SDK messages through the CLI operations (KMS stub)', () => {
  it('round-trips 0 bytes, 1 byte and 1 MiB, with metadata in aws-encryption-cli form', async () => {
    const { kms, encryptWith, decryptWith } = setup();
    const arn = kms.createKey('alias/unit');
    for (const size of [0, 1, 1 << 20]) {
      const plaintext = randomBytes(size);
      const enc = await run(encryptWith([['key=alias/unit']], { purpose: 'test' }), plaintext);
      assert.equal(enc.error, undefined);
      const header = enc.metadata!.header as Record<string, unknown>;
      assert.equal(header.version, '2.0');
      assert.equal(header.algorithm, 'AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384');
      assert.equal(header.frame_length, 65536);
      assert.equal(header.type, null);
      const edks = header.encrypted_data_keys as { key_provider: { provider_id: string; key_info: string } }[];
      assert.deepEqual(edks.map((e) => [Buffer.from(e.key_provider.provider_id, 'base64').toString(), Buffer.from(e.key_provider.key_info, 'base64').toString()]), [['aws-kms', arn]]);
      assert.equal((header.encryption_context as Record<string, string>).purpose, 'test');
      const dec = await run(decryptWith([[`key=${arn}`]], parseEncryptionContext(['purpose=test'], 'decrypt')), enc.output);
      assert.equal(dec.error, undefined);
      assert.deepEqual(dec.output, plaintext);
      assert.equal((dec.metadata!.header as Record<string, unknown>).message_id, header.message_id);
      assert.ok(dec.metadata!.header_auth);
    }
  });

  it('a message decrypts with the SDK used directly, and the other way round', async () => {
    const { kms, encryptWith, decryptWith } = setup();
    const arn = kms.createKey();
    const plaintext = randomBytes(100_000);
    const { encrypt, decrypt } = buildClient(POLICY);
    const { KmsKeyringNode } = await import('@aws-crypto/client-node');
    const keyring = new KmsKeyringNode({ generatorKeyId: arn, clientProvider: kms.supplier() });
    const ours = await run(encryptWith([[`key=${arn}`]]), plaintext);
    assert.deepEqual((await decrypt(keyring, ours.output)).plaintext, plaintext);
    const theirs = await encrypt(keyring, plaintext, { encryptionContext: { a: 'b' } });
    assert.deepEqual((await run(decryptWith([[`key=${arn}`]]), Buffer.from(theirs.result))).output, plaintext);
  });

  it('refuses a message without the required context and lets no plaintext out', async () => {
    const { kms, encryptWith, decryptWith } = setup();
    const arn = kms.createKey();
    const enc = await run(encryptWith([[`key=${arn}`]], { purpose: 'backup' }), randomBytes(300_000));
    const dec = await run(decryptWith([[`key=${arn}`]], parseEncryptionContext(['purpose=restore', 'owner'], 'decrypt')), enc.output);
    assert.ok(dec.error instanceof ContextMismatchError);
    assert.equal(dec.output.length, 0);
    assert.match(dec.error.message, /encryption context mismatch: the message does not have owner, purpose=restore/);
    assert.deepEqual(dec.error.record.missing_encryption_context_pairs, [['purpose', 'restore']]);
    assert.equal(dec.error.record.skipped, true);
  });

  it('names the key and KMS\'s reason when the key is disabled', async () => {
    const { kms, ctx, encryptWith, decryptWith } = setup();
    const arn = kms.createKey();
    const enc = await run(encryptWith([[`key=${arn}`]]), Buffer.from('x'));
    kms.disable(arn);
    const dec = await run(decryptWith([[`key=${arn}`]]), enc.output);
    assert.equal(describeFailure(dec.error, ctx), `KMS Decrypt with ${arn} failed: DisabledException: ${arn} is disabled.`);
    const again = await run(encryptWith([[`key=${arn}`]]), Buffer.from('x'));
    assert.equal(describeFailure(again.error, { ...ctx, mode: 'encrypt' }), `KMS GenerateDataKey with ${arn} failed: DisabledException: ${arn} is disabled.`);
  });

  it('says which keys wrap the data key when none of the given ones does', async () => {
    const { kms, ctx, encryptWith, decryptWith } = setup();
    const arn = kms.createKey();
    const other = kms.createKey();
    const enc = await run(encryptWith([[`key=${arn}`]]), Buffer.from('x'));
    const dec = await run(decryptWith([[`key=${other}`]]), enc.output);
    assert.equal(describeFailure(dec.error, ctx), `none of the given wrapping keys can decrypt this message's data key; it is wrapped under ${arn}`);
    const filtered = await run(decryptWith([['discovery=true', 'discovery-account=999999999999', 'discovery-partition=aws']]), enc.output);
    assert.match(describeFailure(filtered.error, ctx), /none of the given wrapping keys/);
    const discovered = await run(decryptWith([['discovery=true', `discovery-account=${kms.accountId}`, 'discovery-partition=aws']]), enc.output);
    assert.equal(discovered.output.toString(), 'x');
  });

  it('fails on any flipped byte of the body or signature, with a one-line message', async () => {
    const { kms, ctx, encryptWith, decryptWith } = setup();
    const arn = kms.createKey();
    const enc = await run(encryptWith([[`key=${arn}`]], {}, { frameLength: 1024 }), randomBytes(5000));
    for (const at of [enc.output.length - 1, enc.output.length - 200, enc.output.length - 3000]) {
      const bad = Buffer.from(enc.output);
      bad[at]! ^= 0x01;
      const dec = await run(decryptWith([[`key=${arn}`]]), bad);
      assert.match(describeFailure(dec.error, ctx), /^message authentication failed: the input is corrupt or was tampered with \([^\n]+\)$/);
    }
    const notAMessage = await run(decryptWith([[`key=${arn}`]]), Buffer.from('{"json": true}\n'));
    assert.match(describeFailure(notAMessage.error, ctx), /^the input is not an AWS Encryption SDK message/);
  });

  it('wraps under every key of every group, and any one of them decrypts', async () => {
    const { kms, encryptWith, decryptWith } = setup();
    const [a, b, c] = [kms.createKey(), kms.createKey(), kms.createKey()];
    const enc = await run(encryptWith([[`key=${a}`, `key=${b}`], [`key=${c}`, 'region=eu-west-1']]), Buffer.from('shared'));
    assert.equal((enc.metadata!.header as { encrypted_data_keys: unknown[] }).encrypted_data_keys.length, 3);
    for (const key of [a, b, c]) assert.equal((await run(decryptWith([[`key=${key}`]]), enc.output)).output.toString(), 'shared');
    const limited = await run(encryptWith([[`key=${a}`, `key=${b}`]], {}, { maxEncryptedDataKeys: 1 }), Buffer.from('x'));
    assert.equal(describeFailure(limited.error, { mode: 'encrypt', format: 'aws-esdk', kms: new KmsCallLog() }), 'more wrapped data keys than --max-encrypted-data-keys allows');
  });

  it('explains refusals that follow from the command\'s own settings', async () => {
    const { kms, ctx, encryptWith, decryptWith } = setup();
    const arn = kms.createKey();
    const signed = await run(encryptWith([[`key=${arn}`]]), Buffer.from('x'));
    const unsignedOnly = await run(decryptWith([[`key=${arn}`]], undefined, { unsignedOnly: true }), signed.output);
    assert.equal(describeFailure(unsignedOnly.error, ctx), 'the message is signed (ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384), which --decrypt-unsigned refuses');
    const legacy = await run(encryptWith([[`key=${arn}`]], {}, { commitmentPolicy: CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT }), Buffer.from('x'));
    const strict = await run(decryptWith([[`key=${arn}`]]), legacy.output);
    assert.match(describeFailure(strict.error, ctx), /^the message's algorithm suite \(ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384\) does not commit to its key/);
    const lenient = await run(decryptWith([[`key=${arn}`]], undefined, { commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT }), legacy.output);
    assert.equal(lenient.output.toString(), 'x');
  });

  it('finds the header authentication after the header, for both message versions', async () => {
    const { kms, encryptWith } = setup();
    const arn = kms.createKey();
    for (const [suiteId, policy] of [
      [AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY, POLICY],
      [AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT],
    ] as const) {
      const op = encryptWith([[`key=${arn}`]], { a: 'ü', bb: 'c' }, { suiteId, commitmentPolicy: policy });
      const header = new Promise<MessageHeader>((resolve) => op.streams[0]!.once('MessageHeader', resolve));
      const { output } = await run(op, Buffer.alloc(0));
      const h = await header;
      // An empty unsigned message is header, header auth, then one empty final frame of 40 bytes.
      const auth = 'suiteData' in h ? 16 : 12 + 16;
      assert.equal(output.length, serializedHeaderLength(h) + auth + 40);
      const found = readHeaderAuth(h, output)!;
      assert.deepEqual(Buffer.from(found.tag), output.subarray(serializedHeaderLength(h) + auth - 16, serializedHeaderLength(h) + auth));
    }
  });
});
