/**
 * KMS key lifecycle through the AWS SDK for JavaScript v3, on one server whose service time the
 * tests move: automatic and on-demand rotation, imported key material (wrapped locally with
 * node:crypto, checked locally against the ciphertext), its expiry and deletion, multi-Region keys
 * across Regions of the same server, replica deletion, grants, and custom key stores.
 */
import assert from 'node:assert/strict';
import {
  constants, createCipheriv, createDecipheriv, createHmac, createPublicKey, createVerify, generateKeyPairSync, hkdfSync,
  publicEncrypt, randomBytes,
} from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import * as K from '@aws-sdk/client-kms';
import { startServer, type TestServer } from './harness.js';

const DAY = 86_400;

/**
 * Asserts a call fails with this error code and, when given, exactly this message. The SDK reports
 * an empty message (AWS sends none for some errors) as "UnknownError".
 */
async function rejects(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: any) => {
    assert.equal(err.name, code, `${err.name}: ${err.message}`);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    if (typeof message === 'string') assert.equal(err.message, message === '' ? 'UnknownError' : message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

/** The material version a symmetric blob names (ciphertext-blob.ts: after magic, version, account, id length, id). */
function blobMaterialVersion(blob: Uint8Array): number {
  const b = Buffer.from(blob);
  return b.readUInt32BE(17 + b[16]!);
}

/** Decrypts a symmetric blob outside Coffer from its documented format (ciphertext-blob.ts) and the raw key material. */
function openLocally(blob: Uint8Array, material: Buffer, context: Record<string, string>): Buffer {
  const b = Buffer.from(blob);
  const headerEnd = 17 + b[16]! + 4;
  const salt = b.subarray(headerEnd, headerEnd + 16);
  const iv = b.subarray(headerEnd + 16, headerEnd + 28);
  const info = 'coffer/kms/ciphertext/v1';
  const key = Buffer.from(hkdfSync('sha256', material, salt, info, 32));
  const u32 = (n: number) => { const x = Buffer.alloc(4); x.writeUInt32BE(n); return x; };
  const pairs = Object.entries(context).map(([k, v]) => [Buffer.from(k), Buffer.from(v)] as const).sort((x, y) => Buffer.compare(x[0], y[0]));
  const canonical = Buffer.concat([u32(pairs.length), ...pairs.flatMap(([k, v]) => [u32(k.length), k, u32(v.length), v])]);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.concat([Buffer.from(`${info}\0`), b.subarray(0, headerEnd), canonical]));
  decipher.setAuthTag(b.subarray(b.length - 16));
  return Buffer.concat([decipher.update(b.subarray(headerEnd + 28, b.length - 16)), decipher.final()]);
}

/** RSAES-OAEP wrapping with the public key from GetParametersForImport. */
function wrapOaep(publicKey: Uint8Array, material: Buffer, hash: 'sha1' | 'sha256'): Buffer {
  const key = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, material);
}

/** RSA_AES_KEY_WRAP: OAEP(ephemeral AES-256 key) || AES key wrap with padding (RFC 5649) of the material. */
function wrapRsaAes(publicKey: Uint8Array, material: Buffer, hash: 'sha1' | 'sha256'): Buffer {
  const aesKey = randomBytes(32);
  const cipher = createCipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([wrapOaep(publicKey, aesKey, hash), cipher.update(material), cipher.final()]);
}

describe('KMS key lifecycle (SDK v3)', () => {
  let server: TestServer;
  let east: K.KMSClient;
  let west: K.KMSClient;
  let account: string;
  /** Service time runs ahead of the wall clock once the tests move it. */
  let offsetMs = 0;
  const serviceNow = () => Date.now() + offsetMs;
  const advance = async (seconds: number): Promise<Date> => {
    const now = await server.advanceClock(seconds);
    offsetMs = now.getTime() - Date.now();
    return now;
  };
  const client = (region: string) => new K.KMSClient({ endpoint: server.url, region, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
  const newKey = async (input: K.CreateKeyRequest = {}, kms = east) => (await kms.send(new K.CreateKeyCommand(input))).KeyMetadata!;
  const describeKey = async (KeyId: string, kms = east) => (await kms.send(new K.DescribeKeyCommand({ KeyId }))).KeyMetadata!;
  const encrypt = async (KeyId: string, text: string, EncryptionContext?: Record<string, string>, kms = east) =>
    (await kms.send(new K.EncryptCommand({ KeyId, Plaintext: Buffer.from(text), EncryptionContext }))).CiphertextBlob!;
  const decrypt = async (CiphertextBlob: Uint8Array, EncryptionContext?: Record<string, string>, kms = east, KeyId?: string) =>
    kms.send(new K.DecryptCommand({ CiphertextBlob, EncryptionContext, KeyId }));
  const importParams = async (KeyId: string, WrappingAlgorithm: K.AlgorithmSpec = 'RSAES_OAEP_SHA_256', WrappingKeySpec: K.WrappingKeySpec = 'RSA_2048', kms = east) =>
    kms.send(new K.GetParametersForImportCommand({ KeyId, WrappingAlgorithm, WrappingKeySpec }));

  before(async () => {
    server = await startServer();
    east = client('us-east-1');
    west = client('us-west-2');
    account = (await newKey()).AWSAccountId!;
  });
  after(() => server.stop());

  it('rotation: validation and AWS errors per key type and state', async () => {
    const key = await newKey();
    await rejects(east.send(new K.EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 89 })), 'ValidationException', /rotationPeriodInDays/);
    const rsa = await newKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    await rejects(east.send(new K.EnableKeyRotationCommand({ KeyId: rsa.KeyId })), 'UnsupportedOperationException', '');
    await rejects(east.send(new K.RotateKeyOnDemandCommand({ KeyId: rsa.KeyId })), 'UnsupportedOperationException', '');
    assert.equal((await east.send(new K.GetKeyRotationStatusCommand({ KeyId: rsa.KeyId }))).KeyRotationEnabled, false);
    const external = await newKey({ Origin: 'EXTERNAL' });
    await rejects(east.send(new K.EnableKeyRotationCommand({ KeyId: external.KeyId })), 'KMSInvalidStateException', `${external.Arn} is pending import.`);
    await rejects(east.send(new K.RotateKeyOnDemandCommand({ KeyId: external.KeyId })), 'KMSInvalidStateException', `${external.Arn} is pending import.`);
    await east.send(new K.DisableKeyCommand({ KeyId: key.KeyId }));
    await rejects(east.send(new K.EnableKeyRotationCommand({ KeyId: key.KeyId })), 'DisabledException', `${key.Arn} is disabled.`);
    await rejects(east.send(new K.RotateKeyOnDemandCommand({ KeyId: key.KeyId })), 'DisabledException', `${key.Arn} is disabled.`);
    await rejects(east.send(new K.RotateKeyOnDemandCommand({ KeyId: `mrk-${'0'.repeat(32)}` })), 'NotFoundException', `Key 'arn:aws:kms:us-east-1:${account}:key/mrk-${'0'.repeat(32)}' does not exist`);
    // AWS managed keys rotate every year from their creation, and nobody may change that.
    const managed = await describeKey('alias/aws/ebs');
    const status = await east.send(new K.GetKeyRotationStatusCommand({ KeyId: managed.KeyId }));
    assert.deepEqual([status.KeyRotationEnabled, status.RotationPeriodInDays], [true, 365]);
    assert.ok(Math.abs(status.NextRotationDate!.getTime() - (managed.CreationDate!.getTime() + 365 * DAY * 1000)) < 1000);
    await rejects(east.send(new K.DisableKeyRotationCommand({ KeyId: managed.KeyId })), 'AccessDeniedException');
  });

  it('automatic rotation happens on schedule: old ciphertexts decrypt, new ones use the new material', async () => {
    const key = await newKey();
    await east.send(new K.EnableKeyRotationCommand({ KeyId: key.Arn, RotationPeriodInDays: 90 }));
    const status = await east.send(new K.GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(status.KeyId, key.Arn);
    assert.equal(status.KeyRotationEnabled, true);
    assert.equal(status.RotationPeriodInDays, 90);
    assert.ok(Math.abs(status.NextRotationDate!.getTime() - (Date.now() + 90 * DAY * 1000)) < 120_000);
    assert.equal(status.OnDemandRotationStartDate, undefined);
    const before = await encrypt(key.KeyId!, 'before rotation', { app: 'lifecycle' });
    assert.equal(blobMaterialVersion(before), 1);
    assert.deepEqual((await east.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations, []);

    const now = await advance(91 * DAY);
    const rotations = (await east.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations!;
    assert.equal(rotations.length, 1);
    assert.equal(rotations[0]!.RotationType, 'AUTOMATIC');
    assert.equal(rotations[0]!.KeyMaterialState, 'CURRENT');
    assert.equal(rotations[0]!.KeyId, key.Arn);
    assert.ok(Math.abs(rotations[0]!.RotationDate!.getTime() - now.getTime()) < 60_000);
    const meta = await describeKey(key.KeyId!);
    assert.equal(meta.CurrentKeyMaterialId, rotations[0]!.KeyMaterialId);
    assert.notEqual(meta.CurrentKeyMaterialId, key.CurrentKeyMaterialId);

    const old = await decrypt(before, { app: 'lifecycle' });
    assert.equal(Buffer.from(old.Plaintext!).toString(), 'before rotation');
    assert.equal(old.KeyMaterialId, key.CurrentKeyMaterialId);
    const after = await encrypt(key.KeyId!, 'after rotation');
    assert.equal(blobMaterialVersion(after), 2);
    assert.equal((await decrypt(after)).KeyMaterialId, meta.CurrentKeyMaterialId);
    const next = (await east.send(new K.GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).NextRotationDate!;
    assert.ok(Math.abs(next.getTime() - (now.getTime() + 90 * DAY * 1000)) < 60_000);

    // On demand: another version, the schedule unchanged; both listed, with the first on request.
    assert.deepEqual((await east.send(new K.RotateKeyOnDemandCommand({ KeyId: key.KeyId }))).KeyId, key.Arn);
    assert.deepEqual((await east.send(new K.GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).NextRotationDate, next);
    const page1 = await east.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 1 }));
    assert.equal(page1.Truncated, true);
    assert.equal(page1.Rotations![0]!.RotationType, 'AUTOMATIC');
    assert.equal(page1.Rotations![0]!.KeyMaterialState, 'NON_CURRENT');
    const page2 = await east.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 1, Marker: page1.NextMarker }));
    assert.equal(page2.Truncated, false);
    assert.equal(page2.Rotations![0]!.RotationType, 'ON_DEMAND');
    assert.equal(page2.Rotations![0]!.KeyMaterialState, 'CURRENT');
    const all = (await east.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))).Rotations!;
    assert.deepEqual(all.map((r) => [r.KeyMaterialState, r.RotationType]), [['NON_CURRENT', undefined], ['NON_CURRENT', 'AUTOMATIC'], ['CURRENT', 'ON_DEMAND']]);
    assert.equal(all[0]!.KeyMaterialId, key.CurrentKeyMaterialId);
    for (const blob of [before, after]) assert.ok((await decrypt(blob, blob === before ? { app: 'lifecycle' } : undefined)).Plaintext);
    await rejects(decrypt(before), 'InvalidCiphertextException', '');

    await east.send(new K.DisableKeyRotationCommand({ KeyId: key.KeyId }));
    assert.deepEqual(Object.keys(await east.send(new K.GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).filter((k) => k !== '$metadata').sort(), ['KeyId', 'KeyRotationEnabled']);
  });

  it('on-demand rotation stops at the limit of 25 with AWS\'s message', async () => {
    const key = await newKey();
    for (let i = 0; i < 25; i++) await east.send(new K.RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    await rejects(east.send(new K.RotateKeyOnDemandCommand({ KeyId: key.KeyId })), 'LimitExceededException',
      `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.Arn}`);
    assert.equal((await east.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId }))).Rotations!.length, 25);
  });

  it('imported symmetric material: KMS ciphertext decrypts locally with the imported bytes', async () => {
    const key = await newKey({ Origin: 'EXTERNAL', Description: 'byok' });
    const aws = await newKey();
    await rejects(importParams(aws.KeyId!), 'UnsupportedOperationException', `${aws.Arn} origin is AWS_KMS which is not valid for this operation.`);
    const params = await importParams(key.KeyId!);
    assert.equal(params.KeyId, key.Arn);
    assert.ok(Math.abs(params.ParametersValidTo!.getTime() - (serviceNow() + 24 * 3600 * 1000)) < 60_000);
    assert.equal(createPublicKey({ key: Buffer.from(params.PublicKey!), format: 'der', type: 'spki' }).asymmetricKeyDetails!.modulusLength, 2048);

    const material = randomBytes(32);
    const wrapped = wrapOaep(params.PublicKey!, material, 'sha256');
    await rejects(east.send(new K.ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped })),
      'ValidationException', 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
    const imported = await east.send(new K.ImportKeyMaterialCommand({
      KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }));
    assert.equal(imported.KeyId, key.Arn);
    assert.match(imported.KeyMaterialId!, /^[0-9a-f]{64}$/);
    const meta = await describeKey(key.KeyId!);
    assert.equal(meta.KeyState, 'Enabled');
    assert.equal(meta.ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(meta.CurrentKeyMaterialId, imported.KeyMaterialId);

    const context = { tenant: 'a', purpose: 'import-check' };
    const blob = await encrypt(key.KeyId!, 'imported material works', context);
    assert.equal(openLocally(blob, material, context).toString(), 'imported material works');
    assert.throws(() => openLocally(blob, randomBytes(32), context));

    // Different material is refused; a token for another key, or garbage, is not a token; a bad wrap is not ciphertext.
    await rejects(east.send(new K.ImportKeyMaterialCommand({
      KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapOaep(params.PublicKey!, randomBytes(32), 'sha256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    })), 'IncorrectKeyMaterialException');
    const other = await newKey({ Origin: 'EXTERNAL' });
    await rejects(east.send(new K.ImportKeyMaterialCommand({ KeyId: other.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })), 'InvalidImportTokenException');
    await rejects(east.send(new K.ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: randomBytes(300), EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })), 'InvalidImportTokenException');
    await rejects(east.send(new K.ImportKeyMaterialCommand({ KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: randomBytes(256), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })), 'InvalidCiphertextException');

    // Deleted material makes the key PendingImport; the same material, re-imported (another wrapping), restores it.
    const deleted = await east.send(new K.DeleteImportedKeyMaterialCommand({ KeyId: key.KeyId }));
    assert.deepEqual([deleted.KeyId, deleted.KeyMaterialId], [key.Arn, imported.KeyMaterialId]);
    const pending = await describeKey(key.KeyId!);
    assert.deepEqual([pending.KeyState, pending.Enabled, pending.ExpirationModel], ['PendingImport', false, undefined]);
    await rejects(decrypt(blob, context), 'KMSInvalidStateException', `${key.Arn} is pending import.`);
    const again = await importParams(key.KeyId!, 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_3072');
    const validTo = new Date(serviceNow() + 2 * DAY * 1000);
    await east.send(new K.ImportKeyMaterialCommand({
      KeyId: key.Arn, ImportToken: again.ImportToken, EncryptedKeyMaterial: wrapRsaAes(again.PublicKey!, material, 'sha256'),
      ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo,
    }));
    const restored = await describeKey(key.KeyId!);
    assert.deepEqual([restored.KeyState, restored.ExpirationModel], ['Enabled', 'KEY_MATERIAL_EXPIRES']);
    assert.equal(Buffer.from((await decrypt(blob, context)).Plaintext!).toString(), 'imported material works');
  });

  it('imported material expires when its ValidTo passes, and import tokens after 24 hours', async () => {
    const key = await newKey({ Origin: 'EXTERNAL' });
    const material = randomBytes(32);
    const params = await importParams(key.KeyId!, 'RSAES_OAEP_SHA_1', 'RSA_4096');
    await east.send(new K.ImportKeyMaterialCommand({
      KeyId: key.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapOaep(params.PublicKey!, material, 'sha1'),
      ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(serviceNow() + DAY * 1000),
    }));
    const blob = await encrypt(key.KeyId!, 'expiring');
    const late = await importParams(key.KeyId!);
    assert.equal((await describeKey(key.KeyId!)).KeyState, 'Enabled');
    await advance(2 * DAY);
    const meta = await describeKey(key.KeyId!);
    assert.deepEqual([meta.KeyState, meta.ValidTo], ['PendingImport', undefined]);
    await rejects(decrypt(blob), 'KMSInvalidStateException', `${key.Arn} is pending import.`);
    const listed = (await east.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))).Rotations!;
    assert.deepEqual(listed.map((r) => [r.ImportState, r.KeyMaterialState]), [['PENDING_IMPORT', 'CURRENT']]);
    await rejects(east.send(new K.ImportKeyMaterialCommand({
      KeyId: key.KeyId, ImportToken: late.ImportToken, EncryptedKeyMaterial: wrapOaep(late.PublicKey!, material, 'sha256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    })), 'ExpiredImportTokenException');
    const fresh = await importParams(key.KeyId!);
    await east.send(new K.ImportKeyMaterialCommand({
      KeyId: key.KeyId, ImportToken: fresh.ImportToken, EncryptedKeyMaterial: wrapOaep(fresh.PublicKey!, material, 'sha256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }));
    assert.equal(Buffer.from((await decrypt(blob)).Plaintext!).toString(), 'expiring');
  });

  it('imported material rotates on demand: NEW_KEY_MATERIAL waits until RotateKeyOnDemand', async () => {
    const key = await newKey({ Origin: 'EXTERNAL' });
    const importNew = async (material: Buffer, ImportType?: K.ImportType) => {
      const p = await importParams(key.KeyId!);
      return east.send(new K.ImportKeyMaterialCommand({
        KeyId: key.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapOaep(p.PublicKey!, material, 'sha256'),
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ImportType,
      }));
    };
    const first = await importNew(randomBytes(32));
    await rejects(east.send(new K.RotateKeyOnDemandCommand({ KeyId: key.KeyId })), 'KMSInvalidStateException', `No available key material pending rotation for the key: ${key.Arn}.`);
    const blob = await encrypt(key.KeyId!, 'first material');
    const secondMaterial = randomBytes(32);
    const second = await importNew(secondMaterial, 'NEW_KEY_MATERIAL');
    assert.notEqual(second.KeyMaterialId, first.KeyMaterialId);
    assert.equal((await describeKey(key.KeyId!)).CurrentKeyMaterialId, first.KeyMaterialId);
    const third = randomBytes(32);
    await rejects(importNew(third, 'NEW_KEY_MATERIAL'), 'KMSInvalidStateException',
      new RegExp(`^New key material \\(id: [0-9a-f]{64}\\) cannot be imported into KMS key ${key.KeyId}, because another key material \\(id: ${second.KeyMaterialId}\\) is pending rotation\\.$`));
    const all = (await east.send(new K.ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))).Rotations!;
    assert.deepEqual(all.map((r) => r.KeyMaterialState), ['CURRENT', 'PENDING_ROTATION']);
    await east.send(new K.RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    assert.equal((await describeKey(key.KeyId!)).CurrentKeyMaterialId, second.KeyMaterialId);
    const newer = await encrypt(key.KeyId!, 'second material');
    assert.equal(openLocally(newer, secondMaterial, {}).toString(), 'second material');
    assert.equal(Buffer.from((await decrypt(blob)).Plaintext!).toString(), 'first material');
  });

  it('imported asymmetric and HMAC material: KMS signs and MACs with exactly the imported keys', async () => {
    const ecc = await newKey({ Origin: 'EXTERNAL', KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const params = await importParams(ecc.KeyId!, 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_2048');
    const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
    const done = await east.send(new K.ImportKeyMaterialCommand({
      KeyId: ecc.KeyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapRsaAes(params.PublicKey!, pkcs8, 'sha1'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }));
    assert.equal(done.KeyMaterialId, undefined);
    const spki = (await east.send(new K.GetPublicKeyCommand({ KeyId: ecc.KeyId }))).PublicKey!;
    assert.deepEqual(Buffer.from(spki), pair.publicKey.export({ type: 'spki', format: 'der' }));
    const message = Buffer.from('signed with imported key');
    const sig = (await east.send(new K.SignCommand({ KeyId: ecc.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }))).Signature!;
    assert.ok(createVerify('sha256').update(message).verify(pair.publicKey, Buffer.from(sig)));
    // Another key of the right type is still other material.
    const p2 = await importParams(ecc.KeyId!, 'RSA_AES_KEY_WRAP_SHA_256');
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'der' });
    await rejects(east.send(new K.ImportKeyMaterialCommand({
      KeyId: ecc.KeyId, ImportToken: p2.ImportToken, EncryptedKeyMaterial: wrapRsaAes(p2.PublicKey!, otherKey, 'sha256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    })), 'IncorrectKeyMaterialException');

    const hmac = await newKey({ Origin: 'EXTERNAL', KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const secret = randomBytes(48);
    const hp = await importParams(hmac.KeyId!);
    await rejects(east.send(new K.ImportKeyMaterialCommand({
      KeyId: hmac.KeyId, ImportToken: hp.ImportToken, EncryptedKeyMaterial: wrapOaep(hp.PublicKey!, randomBytes(16), 'sha256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    })), 'IncorrectKeyMaterialException');
    await east.send(new K.ImportKeyMaterialCommand({
      KeyId: hmac.KeyId, ImportToken: hp.ImportToken, EncryptedKeyMaterial: wrapOaep(hp.PublicKey!, secret, 'sha256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }));
    const mac = (await east.send(new K.GenerateMacCommand({ KeyId: hmac.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }))).Mac!;
    assert.deepEqual(Buffer.from(mac), createHmac('sha256', secret).update(message).digest());
  });

  it('multi-Region keys: replicas in other Regions decrypt each other\'s ciphertexts and rotate together', async () => {
    const primary = await newKey({ MultiRegion: true, Description: 'primary' });
    assert.match(primary.KeyId!, /^mrk-[0-9a-f]{32}$/);
    const replicaArn = `arn:aws:kms:us-west-2:${account}:key/${primary.KeyId}`;
    const out = await east.send(new K.ReplicateKeyCommand({
      KeyId: primary.KeyId, ReplicaRegion: 'us-west-2', Description: 'replica', Tags: [{ TagKey: 'copy', TagValue: 'yes' }],
    }));
    assert.equal(out.ReplicaKeyMetadata!.Arn, replicaArn);
    assert.deepEqual([out.ReplicaKeyMetadata!.KeyState, out.ReplicaKeyMetadata!.Enabled, out.ReplicaKeyMetadata!.Description], ['Creating', false, 'replica']);
    assert.equal(JSON.parse(out.ReplicaPolicy!).Statement[0].Principal.AWS, `arn:aws:iam::${account}:root`);
    assert.deepEqual(out.ReplicaTags, [{ TagKey: 'copy', TagValue: 'yes' }]);
    const replica = await describeKey(primary.KeyId!, west);
    assert.deepEqual([replica.KeyState, replica.CurrentKeyMaterialId, replica.Origin], ['Enabled', primary.CurrentKeyMaterialId, 'AWS_KMS']);
    const config = { PrimaryKey: { Arn: primary.Arn, Region: 'us-east-1' }, ReplicaKeys: [{ Arn: replicaArn, Region: 'us-west-2' }] };
    assert.deepEqual(replica.MultiRegionConfiguration, { MultiRegionKeyType: 'REPLICA', ...config });
    assert.deepEqual((await describeKey(primary.KeyId!)).MultiRegionConfiguration, { MultiRegionKeyType: 'PRIMARY', ...config });
    assert.deepEqual((await west.send(new K.ListResourceTagsCommand({ KeyId: primary.KeyId }))).Tags, [{ TagKey: 'copy', TagValue: 'yes' }]);
    assert.deepEqual((await east.send(new K.ListResourceTagsCommand({ KeyId: primary.KeyId }))).Tags, []);

    const fromEast = await encrypt(primary.KeyId!, 'made in us-east-1', { r: '1' });
    const inWest = await decrypt(fromEast, { r: '1' }, west);
    assert.deepEqual([Buffer.from(inWest.Plaintext!).toString(), inWest.KeyId], ['made in us-east-1', replicaArn]);
    assert.equal((await decrypt(fromEast, { r: '1' }, west, replicaArn)).KeyId, replicaArn);

    await rejects(east.send(new K.ReplicateKeyCommand({ KeyId: primary.KeyId, ReplicaRegion: 'us-west-2' })), 'AlreadyExistsException');
    await rejects(west.send(new K.ReplicateKeyCommand({ KeyId: primary.KeyId, ReplicaRegion: 'eu-west-1' })), 'UnsupportedOperationException', `${replicaArn} is not a multi-region primary key.`);
    const single = await newKey();
    await rejects(east.send(new K.ReplicateKeyCommand({ KeyId: single.KeyId, ReplicaRegion: 'us-west-2' })), 'UnsupportedOperationException', `${single.Arn} is not a multi-region primary key.`);
    await rejects(west.send(new K.RotateKeyOnDemandCommand({ KeyId: primary.KeyId })), 'UnsupportedOperationException', `${replicaArn} is not a multi-region primary key.`);

    await east.send(new K.EnableKeyRotationCommand({ KeyId: primary.KeyId, RotationPeriodInDays: 180 }));
    assert.equal((await west.send(new K.GetKeyRotationStatusCommand({ KeyId: primary.KeyId }))).RotationPeriodInDays, 180);
    await east.send(new K.RotateKeyOnDemandCommand({ KeyId: primary.KeyId }));
    const rotated = await describeKey(primary.KeyId!);
    assert.equal((await describeKey(primary.KeyId!, west)).CurrentKeyMaterialId, rotated.CurrentKeyMaterialId);
    const fromWest = await encrypt(primary.KeyId!, 'made in us-west-2', undefined, west);
    assert.equal(blobMaterialVersion(fromWest), 2);
    assert.equal(Buffer.from((await decrypt(fromWest)).Plaintext!).toString(), 'made in us-west-2');
    assert.ok((await decrypt(fromEast, { r: '1' }, west)).Plaintext);

    await east.send(new K.UpdatePrimaryRegionCommand({ KeyId: primary.KeyId, PrimaryRegion: 'us-west-2' }));
    const swapped = { PrimaryKey: { Arn: replicaArn, Region: 'us-west-2' }, ReplicaKeys: [{ Arn: primary.Arn, Region: 'us-east-1' }] };
    assert.deepEqual((await describeKey(primary.KeyId!, west)).MultiRegionConfiguration, { MultiRegionKeyType: 'PRIMARY', ...swapped });
    assert.deepEqual((await describeKey(primary.KeyId!)).MultiRegionConfiguration, { MultiRegionKeyType: 'REPLICA', ...swapped });
    await rejects(east.send(new K.UpdatePrimaryRegionCommand({ KeyId: primary.KeyId, PrimaryRegion: 'eu-west-1' })), 'UnsupportedOperationException');
    await rejects(west.send(new K.UpdatePrimaryRegionCommand({ KeyId: primary.KeyId, PrimaryRegion: 'eu-west-1' })), 'NotFoundException',
      `Key 'arn:aws:kms:eu-west-1:${account}:key/${primary.KeyId}' does not exist`);

    // The primary (now in us-west-2) waits for its replica's deletion before its own window starts.
    const scheduled = await west.send(new K.ScheduleKeyDeletionCommand({ KeyId: primary.KeyId, PendingWindowInDays: 7 }));
    assert.deepEqual([scheduled.KeyState, scheduled.DeletionDate, scheduled.PendingWindowInDays], ['PendingReplicaDeletion', undefined, 7]);
    const waiting = await describeKey(primary.KeyId!, west);
    assert.deepEqual([waiting.KeyState, waiting.PendingDeletionWindowInDays, waiting.DeletionDate], ['PendingReplicaDeletion', 7, undefined]);
    await rejects(encrypt(primary.KeyId!, 'x', undefined, west), 'KMSInvalidStateException');
    await east.send(new K.ScheduleKeyDeletionCommand({ KeyId: primary.KeyId, PendingWindowInDays: 7 }));
    const now = await advance(8 * DAY);
    await rejects(describeKey(primary.KeyId!), 'NotFoundException');
    const last = await describeKey(primary.KeyId!, west);
    assert.equal(last.KeyState, 'PendingDeletion');
    assert.ok(Math.abs(last.DeletionDate!.getTime() - (now.getTime() + 7 * DAY * 1000)) < 60_000);
    assert.deepEqual(last.MultiRegionConfiguration!.ReplicaKeys, []);
  });

  it('multi-Region keys with imported material: the replica imports the same material', async () => {
    const primary = await newKey({ MultiRegion: true, Origin: 'EXTERNAL' });
    const material = randomBytes(32);
    const importInto = async (kms: K.KMSClient, bytes: Buffer) => {
      const p = await importParams(primary.KeyId!, 'RSAES_OAEP_SHA_256', 'RSA_2048', kms);
      return kms.send(new K.ImportKeyMaterialCommand({
        KeyId: primary.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapOaep(p.PublicKey!, bytes, 'sha256'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }));
    };
    const imported = await importInto(east, material);
    await east.send(new K.ReplicateKeyCommand({ KeyId: primary.KeyId, ReplicaRegion: 'us-west-2' }));
    assert.equal((await describeKey(primary.KeyId!, west)).KeyState, 'PendingImport');
    await rejects(importInto(west, randomBytes(32)), 'IncorrectKeyMaterialException');
    assert.equal((await importInto(west, material)).KeyMaterialId, imported.KeyMaterialId);
    const blob = await encrypt(primary.KeyId!, 'byok everywhere', undefined, west);
    assert.equal(Buffer.from((await decrypt(blob)).Plaintext!).toString(), 'byok everywhere');
  });

  it('grants: create (idempotent by name), list with filters and pages, retire, revoke, grant tokens', async () => {
    const key = await newKey();
    const grantee = `arn:aws:iam::${account}:user/grantee`;
    const retiring = `arn:aws:iam::${account}:role/retirer`;
    const input: K.CreateGrantRequest = {
      KeyId: key.KeyId, GranteePrincipal: grantee, RetiringPrincipal: retiring, Operations: ['Encrypt', 'Decrypt', 'DescribeKey'],
      Constraints: { EncryptionContextSubset: { dept: 'finance' } }, Name: 'finance-app',
    };
    const created = await east.send(new K.CreateGrantCommand(input));
    assert.match(created.GrantId!, /^[0-9a-f]{64}$/);
    const retry = await east.send(new K.CreateGrantCommand({ ...input, Operations: ['DescribeKey', 'Decrypt', 'Encrypt'] }));
    assert.equal(retry.GrantId, created.GrantId);
    assert.notEqual(retry.GrantToken, created.GrantToken);
    const second = await east.send(new K.CreateGrantCommand({ KeyId: key.Arn, GranteePrincipal: account, Operations: ['GenerateDataKey'] }));
    assert.notEqual(second.GrantId, created.GrantId);
    await rejects(east.send(new K.CreateGrantCommand({ ...input, DryRun: true, Name: 'dry' })), 'DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');

    const listed = (await east.send(new K.ListGrantsCommand({ KeyId: key.KeyId }))).Grants!;
    assert.equal(listed.length, 2);
    assert.deepEqual({ ...listed[0], CreationDate: undefined }, {
      KeyId: key.Arn, GrantId: created.GrantId, Name: 'finance-app', CreationDate: undefined, GranteePrincipal: grantee,
      RetiringPrincipal: retiring, IssuingAccount: `arn:aws:iam::${account}:root`, Operations: ['Encrypt', 'Decrypt', 'DescribeKey'],
      Constraints: { EncryptionContextSubset: { dept: 'finance' } },
    });
    assert.deepEqual((await east.send(new K.ListGrantsCommand({ KeyId: key.KeyId, GranteePrincipal: account }))).Grants!.map((g) => g.GrantId), [second.GrantId]);
    assert.deepEqual((await east.send(new K.ListGrantsCommand({ KeyId: key.KeyId, GrantId: second.GrantId }))).Grants!.map((g) => g.GrantId), [second.GrantId]);
    const p1 = await east.send(new K.ListGrantsCommand({ KeyId: key.KeyId, Limit: 1 }));
    const p2 = await east.send(new K.ListGrantsCommand({ KeyId: key.KeyId, Limit: 1, Marker: p1.NextMarker }));
    assert.deepEqual([p1.Truncated, p2.Truncated, p1.Grants![0]!.GrantId, p2.Grants![0]!.GrantId], [true, false, created.GrantId, second.GrantId]);
    assert.deepEqual((await east.send(new K.ListRetirableGrantsCommand({ RetiringPrincipal: retiring }))).Grants!.map((g) => g.GrantId), [created.GrantId]);

    // Grant tokens are honoured at once; tokens this server never issued are refused.
    assert.ok((await east.send(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), GrantTokens: [created.GrantToken!, retry.GrantToken!] }))).CiphertextBlob);
    await rejects(east.send(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x'), GrantTokens: ['bm90LWEtdG9rZW4='] })), 'InvalidGrantTokenException');

    const rsa = await newKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    await rejects(east.send(new K.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, Operations: ['Sign'] })), 'ValidationException', /Sign/);
    await rejects(east.send(new K.CreateGrantCommand({ KeyId: rsa.KeyId, GranteePrincipal: grantee, Operations: ['GenerateDataKey'] })), 'ValidationException', /GenerateDataKey/);
    await rejects(east.send(new K.CreateGrantCommand({ KeyId: rsa.KeyId, GranteePrincipal: grantee, Operations: ['Sign'], Constraints: { EncryptionContextEquals: { a: 'b' } } })), 'ValidationException');
    await rejects(east.send(new K.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: 'not-a-principal', Operations: ['Encrypt'] })), 'InvalidArnException');

    await east.send(new K.RetireGrantCommand({ GrantToken: created.GrantToken }));
    await rejects(east.send(new K.RetireGrantCommand({ GrantToken: retry.GrantToken })), 'NotFoundException');
    await rejects(east.send(new K.RevokeGrantCommand({ KeyId: key.KeyId, GrantId: 'nope' })), 'InvalidGrantIdException');
    await rejects(east.send(new K.RevokeGrantCommand({ KeyId: key.KeyId, GrantId: created.GrantId })), 'NotFoundException');
    await rejects(east.send(new K.RevokeGrantCommand({ KeyId: rsa.KeyId, GrantId: second.GrantId })), 'NotFoundException');
    await east.send(new K.RevokeGrantCommand({ KeyId: key.KeyId, GrantId: second.GrantId }));
    assert.deepEqual((await east.send(new K.ListGrantsCommand({ KeyId: key.KeyId }))).Grants, []);

    // RetireGrant by key and grant id; a deleted key takes its grants with it.
    const third = await east.send(new K.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, Operations: ['Decrypt'] }));
    await rejects(east.send(new K.RetireGrantCommand({ KeyId: key.Arn })), 'ValidationException');
    await east.send(new K.RetireGrantCommand({ KeyId: key.Arn, GrantId: third.GrantId }));
    const last = await east.send(new K.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, RetiringPrincipal: retiring, Operations: ['Decrypt'] }));
    await east.send(new K.ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    await rejects(east.send(new K.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: grantee, Operations: ['Decrypt'] })), 'KMSInvalidStateException', `${key.Arn} is pending deletion.`);
    await advance(8 * DAY);
    await rejects(east.send(new K.ListGrantsCommand({ KeyId: key.KeyId })), 'NotFoundException');
    assert.ok(!(await east.send(new K.ListRetirableGrantsCommand({ RetiringPrincipal: retiring }))).Grants!.some((g) => g.GrantId === last.GrantId));
  });

  it('grants are enforced: an IAM user without policies may do exactly what its grants allow', async () => {
    const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    const userClient = async (UserName: string) => {
      const arn = (await iam.send(new CreateUserCommand({ UserName }))).User!.Arn!;
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey!;
      return { arn, kms: new K.KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } }) };
    };
    const alice = await userClient('grant-alice');
    const bob = await userClient('grant-bob');
    const source = await newKey();
    const destination = await newKey();
    const context = { dept: 'finance' };
    await rejects(encrypt(source.KeyId!, 'x', context, alice.kms), 'AccessDeniedException');
    const grant = await east.send(new K.CreateGrantCommand({
      KeyId: source.KeyId, GranteePrincipal: alice.arn, RetiringPrincipal: bob.arn, Operations: ['Encrypt', 'Decrypt', 'ReEncryptFrom'],
      Constraints: { EncryptionContextSubset: context },
    }));
    const blob = await encrypt(source.Arn!, 'granted', context, alice.kms);
    assert.equal(Buffer.from((await decrypt(blob, context, alice.kms)).Plaintext!).toString(), 'granted');
    await rejects(encrypt(source.KeyId!, 'x', { dept: 'sales' }, alice.kms), 'AccessDeniedException');
    await rejects(alice.kms.send(new K.GenerateDataKeyCommand({ KeyId: source.KeyId, KeySpec: 'AES_256', EncryptionContext: context })), 'AccessDeniedException');
    await rejects(encrypt(source.KeyId!, 'x', context, bob.kms), 'AccessDeniedException');
    // ReEncrypt needs kms:ReEncryptTo on the destination key as well.
    const reEncrypt = () => alice.kms.send(new K.ReEncryptCommand({
      CiphertextBlob: blob, SourceEncryptionContext: context, DestinationKeyId: destination.KeyId, DestinationEncryptionContext: context,
    }));
    await rejects(reEncrypt(), 'AccessDeniedException');
    await east.send(new K.CreateGrantCommand({ KeyId: destination.KeyId, GranteePrincipal: alice.arn, Operations: ['ReEncryptTo', 'Decrypt'] }));
    assert.equal((await reEncrypt()).KeyId, destination.Arn);
    // The retiring principal retires the grant with its token; then the grantee is refused again.
    await rejects(alice.kms.send(new K.RetireGrantCommand({ GrantToken: grant.GrantToken })), 'AccessDeniedException');
    await bob.kms.send(new K.RetireGrantCommand({ GrantToken: grant.GrantToken }));
    await rejects(encrypt(source.KeyId!, 'x', context, alice.kms), 'AccessDeniedException');
  });

  it('custom key stores answer as AWS does when none exist', async () => {
    assert.deepEqual((await east.send(new K.DescribeCustomKeyStoresCommand({}))).CustomKeyStores, []);
    await rejects(east.send(new K.DescribeCustomKeyStoresCommand({ CustomKeyStoreId: 'cks-1234567890abcdef0' })), 'CustomKeyStoreNotFoundException');
    await rejects(east.send(new K.CreateCustomKeyStoreCommand({
      CustomKeyStoreName: 'hsm', CloudHsmClusterId: 'cluster-abcdefghijk', TrustAnchorCertificate: '-----BEGIN CERTIFICATE-----', KeyStorePassword: 'kmsuser-password',
    })), 'CloudHsmClusterNotFoundException');
    await rejects(east.send(new K.CreateCustomKeyStoreCommand({
      CustomKeyStoreName: 'xks', CustomKeyStoreType: 'EXTERNAL_KEY_STORE', XksProxyUriEndpoint: 'https://xks.example.com', XksProxyUriPath: '/kms/xks/v1',
      XksProxyConnectivity: 'PUBLIC_ENDPOINT', XksProxyAuthenticationCredential: { AccessKeyId: 'A'.repeat(20), RawSecretAccessKey: 'B'.repeat(43) },
    })), 'XksProxyUriUnreachableException');
    for (const cmd of [
      new K.ConnectCustomKeyStoreCommand({ CustomKeyStoreId: 'cks-1234567890abcdef0' }),
      new K.DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: 'cks-1234567890abcdef0' }),
      new K.DeleteCustomKeyStoreCommand({ CustomKeyStoreId: 'cks-1234567890abcdef0' }),
      new K.UpdateCustomKeyStoreCommand({ CustomKeyStoreId: 'cks-1234567890abcdef0', NewCustomKeyStoreName: 'x' }),
    ]) {
      await rejects(east.send(cmd as any), 'CustomKeyStoreNotFoundException');
    }
    await rejects(newKey({ CustomKeyStoreId: 'cks-1234567890abcdef0' }), 'CustomKeyStoreNotFoundException');
  });
});
