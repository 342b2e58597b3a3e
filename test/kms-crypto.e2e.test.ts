/**
 * KMS cryptography through the AWS SDK for JavaScript v3, checked against cryptography outside
 * Coffer: node:crypto and the OpenSSL command line verify KMS signatures with the key GetPublicKey
 * returns; data encrypted locally with that key decrypts in KMS; DeriveSharedSecret equals a local
 * ECDH; GenerateDataKeyPair keys work with OpenSSL.
 */
import assert from 'node:assert/strict';
import { constants, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, publicEncrypt, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kms';
import { startServer, type TestServer } from './harness.js';

async function rejects(p: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(p, (err: any) => {
    assert.equal(err.name, code, `${err.name}: ${err.message}`);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

/** Runs a command with no stdin (OpenSSL reads files here), capturing its output. */
function command(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const HASH: Record<string, string> = { SHA_256: 'sha256', SHA_384: 'sha384', SHA_512: 'sha512' };
const hashOf = (alg: string) => HASH[alg.slice(-7)]!;

describe('KMS cryptography interoperates with node:crypto and OpenSSL', () => {
  let server: TestServer;
  let kms: K.KMSClient;
  let dir: string;
  let n = 0;
  const send = <T>(cmd: any): Promise<T> => kms.send(cmd) as Promise<T>;
  const newKey = async (input: K.CreateKeyRequest = {}) => (await kms.send(new K.CreateKeyCommand(input))).KeyMetadata!;
  const publicKeyOf = async (KeyId: string) => createPublicKey({ key: Buffer.from((await send<K.GetPublicKeyResponse>(new K.GetPublicKeyCommand({ KeyId }))).PublicKey!), format: 'der', type: 'spki' });
  const file = async (data: Buffer | string) => {
    const path = join(dir, `f${n++}`);
    await writeFile(path, data);
    return path;
  };
  const openssl = (...args: string[]) => command('openssl', args);

  before(async () => {
    server = await startServer();
    kms = new K.KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    dir = await mkdtemp(join(tmpdir(), 'coffer-kms-crypto-'));
  });
  after(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('symmetric Encrypt/Decrypt: context is AAD, wrong key is IncorrectKeyException, limits as AWS', async () => {
    const key = await newKey();
    const other = await newKey();
    const ct = (await send<K.EncryptResponse>(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('secret'), EncryptionContext: { ab: 'c' } }))).CiphertextBlob!;
    const out = await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { ab: 'c' }, KeyId: key.Arn }));
    assert.equal(Buffer.from(out.Plaintext!).toString(), 'secret');
    assert.equal(out.KeyId, key.Arn);
    assert.equal(out.KeyMaterialId, key.CurrentKeyMaterialId);
    await rejects(send(new K.DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { a: 'bc' } })), 'InvalidCiphertextException');
    await rejects(send(new K.DecryptCommand({ CiphertextBlob: ct })), 'InvalidCiphertextException');
    await rejects(send(new K.DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { ab: 'c' }, KeyId: other.KeyId })), 'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.');
    const altered = Buffer.from(ct);
    altered[altered.length - 20]! ^= 1;
    await rejects(send(new K.DecryptCommand({ CiphertextBlob: altered, EncryptionContext: { ab: 'c' } })), 'InvalidCiphertextException');
    await rejects(send(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.alloc(4097) })), 'ValidationException',
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
    const signing = await newKey({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    await rejects(send(new K.EncryptCommand({ KeyId: signing.KeyId, Plaintext: Buffer.from('x') })), 'InvalidKeyUsageException',
      `${signing.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`);
  });

  it('GenerateDataKey / WithoutPlaintext / GenerateRandom sizes and AWS validation', async () => {
    const key = await newKey();
    const dk = await send<K.GenerateDataKeyResponse>(new K.GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_128', EncryptionContext: { k: 'v' } }));
    assert.equal(dk.Plaintext!.length, 16);
    assert.equal(dk.KeyId, key.Arn);
    assert.equal(dk.KeyMaterialId, key.CurrentKeyMaterialId);
    assert.deepEqual((await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { k: 'v' } }))).Plaintext, dk.Plaintext);
    const wp = await send<K.GenerateDataKeyWithoutPlaintextResponse>(new K.GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, NumberOfBytes: 1024 }));
    assert.equal((wp as any).Plaintext, undefined);
    assert.equal((await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: wp.CiphertextBlob }))).Plaintext!.length, 1024);
    await rejects(send(new K.GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', NumberOfBytes: 32 })), 'ValidationException', 'Please specify either number of bytes or key spec.');
    await rejects(send(new K.GenerateDataKeyCommand({ KeyId: key.KeyId })), 'ValidationException', 'Please specify either number of bytes or key spec.');
    assert.equal((await send<K.GenerateRandomResponse>(new K.GenerateRandomCommand({ NumberOfBytes: 1024 }))).Plaintext!.length, 1024);
    await rejects(send(new K.GenerateRandomCommand({ NumberOfBytes: 1025 })), 'ValidationException',
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
    await rejects(send(new K.GenerateRandomCommand({})), 'ValidationException', 'NumberOfBytes is required.');
  });

  it('RSA: data encrypted locally with the public key (OAEP SHA-1 and SHA-256) decrypts in KMS; size limits as AWS', async () => {
    const key = await newKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    const pub = await publicKeyOf(key.KeyId!);
    for (const [alg, hash, limit] of [['RSAES_OAEP_SHA_1', 'sha1', 214], ['RSAES_OAEP_SHA_256', 'sha256', 190]] as const) {
      const local = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, Buffer.from(`hello ${alg}`));
      const out = await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: local, KeyId: key.KeyId, EncryptionAlgorithm: alg }));
      assert.equal(Buffer.from(out.Plaintext!).toString(), `hello ${alg}`);
      assert.equal(out.EncryptionAlgorithm, alg);
      // OpenSSL too.
      const ctPath = join(dir, `rsa-${alg}`);
      const r = await command('sh', ['-c', `printf 'from openssl' | openssl pkeyutl -encrypt -pubin -inkey ${await file(pub.export({ type: 'spki', format: 'pem' }) as string)} -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:${hash} -pkeyopt rsa_mgf1_md:${hash} -out ${ctPath}`]);
      assert.equal(r.code, 0, r.stderr);
      const viaOpenssl = await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: await readFile(ctPath), KeyId: key.Arn, EncryptionAlgorithm: alg }));
      assert.equal(Buffer.from(viaOpenssl.Plaintext!).toString(), 'from openssl');
      // KMS Encrypt round trip, and the exact size limit.
      const enc = await send<K.EncryptResponse>(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.alloc(limit, 7), EncryptionAlgorithm: alg }));
      assert.equal(enc.CiphertextBlob!.length, 256);
      assert.deepEqual(Buffer.from((await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: key.KeyId, EncryptionAlgorithm: alg }))).Plaintext!), Buffer.alloc(limit, 7));
      await rejects(send(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.alloc(limit + 1), EncryptionAlgorithm: alg })), 'ValidationException',
        `Algorithm ${alg} and key spec RSA_2048 cannot encrypt data larger than ${limit} bytes.`);
      await rejects(send(new K.DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })), 'InvalidCiphertextException');
    }
    // ReEncrypt from RSA to a symmetric key and back.
    const sym = await newKey();
    const rsaCt = (await send<K.EncryptResponse>(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('moving'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))).CiphertextBlob!;
    const re = await send<K.ReEncryptResponse>(new K.ReEncryptCommand({ CiphertextBlob: rsaCt, SourceKeyId: key.KeyId, SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DestinationKeyId: sym.KeyId, DestinationEncryptionContext: { to: 'sym' } }));
    assert.equal(re.SourceKeyId, key.Arn);
    assert.equal(re.KeyId, sym.Arn);
    assert.equal(re.DestinationKeyMaterialId, sym.CurrentKeyMaterialId);
    assert.equal(Buffer.from((await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { to: 'sym' } }))).Plaintext!).toString(), 'moving');
    await rejects(send(new K.ReEncryptCommand({ CiphertextBlob: re.CiphertextBlob, SourceEncryptionContext: { to: 'sym' }, SourceKeyId: key.KeyId, DestinationKeyId: sym.KeyId })),
      'IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
  });

  const SIGNING: Array<[K.KeySpec, K.SigningAlgorithmSpec[]]> = [
    ['RSA_2048', ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512']],
    ['RSA_3072', ['RSASSA_PSS_SHA_384']],
    ['RSA_4096', ['RSASSA_PKCS1_V1_5_SHA_512']],
    ['ECC_NIST_P256', ['ECDSA_SHA_256']],
    ['ECC_NIST_P384', ['ECDSA_SHA_384']],
    ['ECC_NIST_P521', ['ECDSA_SHA_512']],
    ['ECC_SECG_P256K1', ['ECDSA_SHA_256']],
    ['ECC_NIST_EDWARDS25519', ['ED25519_SHA_512']],
  ];

  for (const [spec, algorithms] of SIGNING) {
    it(`${spec}: Sign (RAW and DIGEST) verifies in KMS, node:crypto and openssl; bad input fails as AWS`, async () => {
      const key = await newKey({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
      const pub = await publicKeyOf(key.Arn!);
      const pubPem = await file(pub.export({ type: 'spki', format: 'pem' }) as string);
      const message = Buffer.from(`test message !%$@ 1234567890 ${spec}`);
      const msgPath = await file(message);
      for (const alg of algorithms) {
        const signed = await send<K.SignResponse>(new K.SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: alg }));
        assert.equal(signed.KeyId, key.Arn);
        assert.equal(signed.SigningAlgorithm, alg);
        const sig = Buffer.from(signed.Signature!);
        const sigPath = await file(sig);
        const verified = await send<K.VerifyResponse>(new K.VerifyCommand({ KeyId: key.KeyId, Message: message, Signature: sig, SigningAlgorithm: alg }));
        assert.equal(verified.SignatureValid, true);
        assert.ok(localVerify(pub, alg, message, sig), `node:crypto verifies ${alg}`);
        const ossl = alg.startsWith('ED25519')
          ? await openssl('pkeyutl', '-verify', '-pubin', '-inkey', pubPem, '-rawin', '-in', msgPath, '-sigfile', sigPath)
          : await openssl('dgst', `-${hashOf(alg)}`, '-verify', pubPem, '-signature', sigPath,
            ...(alg.includes('PSS') ? ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:-1'] : []), msgPath);
        assert.equal(ossl.code, 0, `openssl verifies ${alg}: ${ossl.stdout}${ossl.stderr}`);

        const bad = Buffer.from(sig);
        bad[bad.length - 1]! ^= 1;
        await rejects(send(new K.VerifyCommand({ KeyId: key.KeyId, Message: message, Signature: bad, SigningAlgorithm: alg })), 'KMSInvalidSignatureException');
        await rejects(send(new K.VerifyCommand({ KeyId: key.KeyId, Message: Buffer.from('other'), Signature: sig, SigningAlgorithm: alg })), 'KMSInvalidSignatureException');

        if (alg.startsWith('ED25519')) {
          await rejects(send(new K.SignCommand({ KeyId: key.KeyId, Message: message, MessageType: 'DIGEST', SigningAlgorithm: alg })), 'ValidationException');
          continue;
        }
        const digest = createHash(hashOf(alg)).update(message).digest();
        const dsig = Buffer.from((await send<K.SignResponse>(new K.SignCommand({ KeyId: key.KeyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: alg }))).Signature!);
        assert.ok(localVerify(pub, alg, message, dsig), `a DIGEST signature is the signature of the message (${alg})`);
        assert.equal((await send<K.VerifyResponse>(new K.VerifyCommand({ KeyId: key.KeyId, Message: digest, MessageType: 'DIGEST', Signature: sig, SigningAlgorithm: alg }))).SignatureValid, true);
        await rejects(send(new K.VerifyCommand({ KeyId: key.KeyId, Message: createHash(hashOf(alg)).update('x').digest(), MessageType: 'DIGEST', Signature: sig, SigningAlgorithm: alg })), 'KMSInvalidSignatureException');
        await rejects(send(new K.SignCommand({ KeyId: key.KeyId, Message: message, MessageType: 'DIGEST', SigningAlgorithm: alg })), 'ValidationException',
          `Digest is invalid length for algorithm ${alg}.`);
      }
      const foreign: K.SigningAlgorithmSpec = spec.startsWith('RSA') ? 'ECDSA_SHA_256' : 'RSASSA_PSS_SHA_256';
      await rejects(send(new K.SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: foreign })), 'InvalidKeyUsageException',
        `Algorithm ${foreign} is incompatible with key spec ${spec}.`);
    });
  }

  it('HMAC: GenerateMac / VerifyMac for every spec, AWS errors for wrong algorithm and key', async () => {
    for (const bits of [224, 256, 384, 512]) {
      const key = await newKey({ KeySpec: `HMAC_${bits}` as K.KeySpec, KeyUsage: 'GENERATE_VERIFY_MAC' });
      const alg = `HMAC_SHA_${bits}` as K.MacAlgorithmSpec;
      const mac = await send<K.GenerateMacResponse>(new K.GenerateMacCommand({ KeyId: key.KeyId, Message: Buffer.from('some important message'), MacAlgorithm: alg }));
      assert.equal(mac.Mac!.length, bits / 8);
      assert.equal(mac.KeyId, key.Arn);
      const ok = await send<K.VerifyMacResponse>(new K.VerifyMacCommand({ KeyId: key.KeyId, Message: Buffer.from('some important message'), MacAlgorithm: alg, Mac: mac.Mac }));
      assert.equal(ok.MacValid, true);
      await rejects(send(new K.VerifyMacCommand({ KeyId: key.KeyId, Message: Buffer.from('some different important message'), MacAlgorithm: alg, Mac: mac.Mac })), 'KMSInvalidMacException');
      const wrong = bits === 512 ? 'HMAC_SHA_256' : 'HMAC_SHA_512';
      await rejects(send(new K.GenerateMacCommand({ KeyId: key.KeyId, Message: Buffer.from('m'), MacAlgorithm: wrong })), 'InvalidKeyUsageException',
        `Algorithm ${wrong} is incompatible with key spec HMAC_${bits}.`);
    }
    const sym = await newKey();
    await rejects(send(new K.GenerateMacCommand({ KeyId: sym.KeyId, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_224' })), 'InvalidKeyUsageException',
      `${sym.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`);
  });

  it('DeriveSharedSecret equals a local ECDH and OpenSSL\'s', async () => {
    const key = await newKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' });
    const kmsPub = await publicKeyOf(key.KeyId!);
    const local = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const out = await send<K.DeriveSharedSecretResponse>(new K.DeriveSharedSecretCommand({
      KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: local.publicKey.export({ type: 'spki', format: 'der' }),
    }));
    assert.equal(out.KeyId, key.Arn);
    assert.equal(out.KeyOrigin, 'AWS_KMS');
    const expected = diffieHellman({ privateKey: local.privateKey, publicKey: kmsPub });
    assert.deepEqual(Buffer.from(out.SharedSecret!), expected);
    const secretPath = join(dir, 'ecdh');
    const r = await openssl('pkeyutl', '-derive', '-inkey', await file(local.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      '-peerkey', await file(kmsPub.export({ type: 'spki', format: 'pem' }) as string), '-out', secretPath);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await readFile(secretPath), expected);
    await rejects(send(new K.DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: Buffer.from('InvalidPublicKey') })), 'ValidationException');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'der' });
    await rejects(send(new K.DeriveSharedSecretCommand({ KeyId: key.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: p384 })), 'ValidationException');
    const signing = await newKey({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    await rejects(send(new K.DeriveSharedSecretCommand({ KeyId: signing.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: local.publicKey.export({ type: 'spki', format: 'der' }) })),
      'InvalidKeyUsageException', `${signing.Arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`);
  });

  for (const spec of ['RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_EDWARDS25519'] as const) {
    it(`GenerateDataKeyPair ${spec}: PKCS#8 private key works with OpenSSL and matches the SPKI public key`, async () => {
      const key = await newKey();
      const pair = await send<K.GenerateDataKeyPairResponse>(new K.GenerateDataKeyPairCommand({ KeyId: key.KeyId, KeyPairSpec: spec, EncryptionContext: { pair: spec } }));
      assert.equal(pair.KeyId, key.Arn);
      assert.equal(pair.KeyPairSpec, spec);
      const privDer = Buffer.from(pair.PrivateKeyPlaintext!);
      const pubDer = Buffer.from(pair.PublicKey!);
      const derived = join(dir, `pub-${spec}`);
      const r = await openssl('pkey', '-inform', 'DER', '-in', await file(privDer), '-pubout', '-outform', 'DER', '-out', derived);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await readFile(derived), pubDer);
      // A signature made by OpenSSL with the private key verifies with the public key.
      const msg = await file('pair message');
      const sig = join(dir, `sig-${spec}`);
      const privPem = await file(createPrivateKey({ key: privDer, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string);
      const s = spec === 'ECC_NIST_EDWARDS25519'
        ? await openssl('pkeyutl', '-sign', '-inkey', privPem, '-rawin', '-in', msg, '-out', sig)
        : await openssl('dgst', '-sha256', '-sign', privPem, '-out', sig, msg);
      assert.equal(s.code, 0, s.stderr);
      const pub = createPublicKey({ key: pubDer, format: 'der', type: 'spki' });
      assert.ok(nodeVerify(spec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256', Buffer.from('pair message'), pub, await readFile(sig)));
      // The encrypted copy decrypts (with the context) to the same private key.
      const back = await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob, EncryptionContext: { pair: spec } }));
      assert.deepEqual(Buffer.from(back.Plaintext!), privDer);
      const without = await send<K.GenerateDataKeyPairWithoutPlaintextResponse>(new K.GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: key.KeyId, KeyPairSpec: spec }));
      assert.equal((without as any).PrivateKeyPlaintext, undefined);
      const priv = createPrivateKey({ key: Buffer.from((await send<K.DecryptResponse>(new K.DecryptCommand({ CiphertextBlob: without.PrivateKeyCiphertextBlob }))).Plaintext!), format: 'der', type: 'pkcs8' });
      assert.deepEqual(createPublicKey(priv).export({ type: 'spki', format: 'der' }), Buffer.from(without.PublicKey!));
      const data = Buffer.from('x');
      assert.ok(nodeVerify(spec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256', data, createPublicKey(priv), nodeSign(spec === 'ECC_NIST_EDWARDS25519' ? null : 'sha256', data, priv)));
    });
  }
});

/** Verifies a KMS signature of `message` locally, with the parameters AWS documents per algorithm. */
function localVerify(pub: KeyObject, alg: string, message: Buffer, sig: Buffer): boolean {
  if (alg.startsWith('ED25519')) return nodeVerify(null, message, pub, sig);
  const hash = hashOf(alg);
  if (alg.startsWith('ECDSA')) return nodeVerify(hash, message, { key: pub, dsaEncoding: 'der' }, sig);
  if (alg.includes('PSS')) return nodeVerify(hash, message, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: createHash(hash).digest().length }, sig);
  return nodeVerify(hash, message, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sig);
}
