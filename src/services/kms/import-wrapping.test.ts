import assert from 'node:assert/strict';
import { constants, createCipheriv, generateKeyPairSync, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { Sealer } from '../../crypto/root-key.js';
import { AwsError } from '../../errors.js';
import { checkGrantTokens, issueGrantToken, openGrantToken } from './grant-store.js';
import { checkMaterial, openImportToken, sealImportToken, unwrapMaterial } from './import-wrapping.js';

const sealer = new Sealer(randomBytes(32));
const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-000000000000';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

function code(err: unknown): string {
  assert.ok(err instanceof AwsError, String(err));
  return err.code;
}

function oaep(key: KeyObject, hash: string, data: Buffer): Buffer {
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
}

describe('import tokens', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const token = sealImportToken(sealer, ARN, 'RSAES_OAEP_SHA_256', privateKey, new Date(now.getTime() + 24 * 3600_000));

  it('open for their key until they expire', () => {
    const opened = openImportToken(sealer, ARN, token, now);
    assert.equal(opened.algorithm, 'RSAES_OAEP_SHA_256');
    assert.ok(opened.privateKey.equals(privateKey));
    assert.throws(() => openImportToken(sealer, ARN, token, new Date(now.getTime() + 24 * 3600_000)), (e) => code(e) === 'ExpiredImportTokenException');
  });

  it('are refused for another key, when altered, or sealed under another root key', () => {
    assert.throws(() => openImportToken(sealer, OTHER, token, now), (e) => code(e) === 'InvalidImportTokenException');
    const altered = Buffer.from(token);
    altered[altered.length - 1]! ^= 1;
    assert.throws(() => openImportToken(sealer, ARN, altered, now), (e) => code(e) === 'InvalidImportTokenException');
    assert.throws(() => openImportToken(new Sealer(randomBytes(32)), ARN, token, now), (e) => code(e) === 'InvalidImportTokenException');
  });
});

describe('unwrapping key material', () => {
  const material = randomBytes(32);

  it('RSAES_OAEP_SHA_1 and _SHA_256, with the hash the token names', () => {
    assert.deepEqual(unwrapMaterial({ algorithm: 'RSAES_OAEP_SHA_1', privateKey }, oaep(publicKey, 'sha1', material)), material);
    assert.deepEqual(unwrapMaterial({ algorithm: 'RSAES_OAEP_SHA_256', privateKey }, oaep(publicKey, 'sha256', material)), material);
    assert.throws(() => unwrapMaterial({ algorithm: 'RSAES_OAEP_SHA_256', privateKey }, oaep(publicKey, 'sha1', material)), (e) => code(e) === 'InvalidCiphertextException');
  });

  it('RSA_AES_KEY_WRAP: OAEP of the AES key, then RFC 5649 key wrap with padding of material of any length', () => {
    for (const size of [32, 57, 1217]) {
      const long = randomBytes(size);
      const aesKey = randomBytes(32);
      const kwp = createCipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
      const wrapped = Buffer.concat([oaep(publicKey, 'sha256', aesKey), kwp.update(long), kwp.final()]);
      assert.deepEqual(unwrapMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_256', privateKey }, wrapped), long);
      wrapped[wrapped.length - 3]! ^= 0x40;
      assert.throws(() => unwrapMaterial({ algorithm: 'RSA_AES_KEY_WRAP_SHA_256', privateKey }, wrapped), (e) => code(e) === 'InvalidCiphertextException');
    }
  });
});

describe('checking imported material against the key spec', () => {
  const refused = (spec: string, material: Buffer) =>
    assert.throws(() => checkMaterial(spec, material), (e) => code(e) === 'IncorrectKeyMaterialException', spec);

  it('symmetric: exactly 32 bytes; HMAC: from the digest length to the block size', () => {
    assert.equal(checkMaterial('SYMMETRIC_DEFAULT', randomBytes(32)).secret.length, 32);
    refused('SYMMETRIC_DEFAULT', randomBytes(16));
    refused('SYMMETRIC_DEFAULT', randomBytes(33));
    checkMaterial('HMAC_224', randomBytes(28));
    checkMaterial('HMAC_512', randomBytes(128));
    refused('HMAC_256', randomBytes(31));
    refused('HMAC_256', randomBytes(65));
  });

  it('asymmetric: a PKCS#8 private key of the spec\'s type and size, kept in canonical form with its public key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const checked = checkMaterial('ECC_NIST_P384', ec.privateKey.export({ type: 'pkcs8', format: 'der' }));
    assert.deepEqual(checked.publicKey, ec.publicKey.export({ type: 'spki', format: 'der' }));
    refused('ECC_NIST_P256', ec.privateKey.export({ type: 'pkcs8', format: 'der' }));
    refused('ECC_NIST_P384', ec.privateKey.export({ type: 'sec1', format: 'der' }));
    refused('RSA_3072', privateKey.export({ type: 'pkcs8', format: 'der' }));
    checkMaterial('RSA_2048', privateKey.export({ type: 'pkcs8', format: 'der' }));
    const ed = generateKeyPairSync('ed25519');
    checkMaterial('ECC_NIST_EDWARDS25519', ed.privateKey.export({ type: 'pkcs8', format: 'der' }));
    refused('ECC_NIST_EDWARDS25519', randomBytes(48));
  });
});

describe('grant tokens', () => {
  it('name their grant, differ on every issue, and cannot be forged or altered', () => {
    const a = issueGrantToken(sealer, 'f'.repeat(64), ARN);
    const b = issueGrantToken(sealer, 'f'.repeat(64), ARN);
    assert.notEqual(a, b);
    assert.deepEqual(openGrantToken(sealer, b), { grantId: 'f'.repeat(64), keyArn: ARN });
    checkGrantTokens(sealer, [a, b]);
    const bytes = Buffer.from(a, 'base64');
    bytes[20]! ^= 1;
    for (const bad of [bytes.toString('base64'), 'not base64!', Buffer.from(JSON.stringify({ g: 'f'.repeat(64), k: ARN })).toString('base64')]) {
      assert.throws(() => checkGrantTokens(sealer, [a, bad]), (e) => code(e) === 'InvalidGrantTokenException');
    }
  });
});
