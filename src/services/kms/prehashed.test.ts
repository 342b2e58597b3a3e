import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, verify, constants, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signDigest, verifyDigest, type PrehashedOptions } from './prehashed.js';

/** Exit code and output of a command (never throws on a non-zero exit). */
function run(cmd: string, args: string[], input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Python's `cryptography` verifies (verify=true) or signs a prehashed digest; prints OK / the signature hex. */
const PY = `
import sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
mode, key_path, hash_name, digest_hex, sig_hex = sys.argv[1:6]
h = {'sha256': hashes.SHA256(), 'sha384': hashes.SHA384(), 'sha512': hashes.SHA512()}[hash_name]
digest = bytes.fromhex(digest_hex)
key = serialization.load_pem_public_key(open(key_path, 'rb').read())
pss = padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size)
alg = utils.Prehashed(h)
if isinstance(key, ec.EllipticCurvePublicKey):
    key.verify(bytes.fromhex(sig_hex), digest, ec.ECDSA(alg))
else:
    key.verify(bytes.fromhex(sig_hex), digest, pss, alg)
print('OK')
`;

const CASES: Array<{ name: string; key: () => { privateKey: KeyObject; publicKey: KeyObject }; o: PrehashedOptions }> = [
  { name: 'ECDSA P-256 / SHA-256', key: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), o: { hash: 'sha256' } },
  { name: 'ECDSA P-384 / SHA-384', key: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), o: { hash: 'sha384' } },
  { name: 'ECDSA P-521 / SHA-512', key: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }), o: { hash: 'sha512' } },
  { name: 'ECDSA secp256k1 / SHA-256', key: () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' }), o: { hash: 'sha256' } },
  { name: 'RSASSA-PSS 2048 / SHA-256', key: () => generateKeyPairSync('rsa', { modulusLength: 2048 }), o: { hash: 'sha256', pss: true } },
  { name: 'RSASSA-PSS 3072 / SHA-384', key: () => generateKeyPairSync('rsa', { modulusLength: 3072 }), o: { hash: 'sha384', pss: true } },
  { name: 'RSASSA-PSS 4096 / SHA-512', key: () => generateKeyPairSync('rsa', { modulusLength: 4096 }), o: { hash: 'sha512', pss: true } },
];

describe('prehashed (MessageType DIGEST) signing in process', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-prehashed-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: OpenSSL, Python cryptography and node:crypto verify it; OpenSSL's verify here; tampering fails`, async () => {
      const { privateKey, publicKey } = c.key();
      const message = Buffer.from(`message for ${c.name}`);
      const digest = createHash(c.o.hash).update(message).digest();
      const sig = signDigest(privateKey, digest, c.o);
      const pub = join(dir, `case-${i}.pem`);
      const sigFile = `${pub}.sig`;
      const digestFile = `${pub}.dgst`;
      const keyFile = `${pub}.key`;
      await writeFile(pub, publicKey.export({ type: 'spki', format: 'pem' }) as string);
      await writeFile(sigFile, sig);
      await writeFile(digestFile, digest);
      await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
      const pssOpts = c.o.pss ? ['-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest', '-pkeyopt', `rsa_mgf1_md:${c.o.hash}`] : [];
      const opts = ['-pkeyopt', `digest:${c.o.hash}`, ...pssOpts];

      // Ours, checked by others: OpenSSL over the digest, Python over the digest, node:crypto over the message.
      const ossl = await run('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-in', digestFile, '-sigfile', sigFile, ...opts]);
      assert.equal(ossl.code, 0, ossl.out);
      const py = await run('python3', ['-c', PY, 'verify', pub, c.o.hash, digest.toString('hex'), sig.toString('hex')]);
      assert.equal(py.out.trim(), 'OK', py.out);
      const nodeOpts = c.o.pss ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : { key: publicKey, dsaEncoding: 'der' as const };
      assert.ok(verify(c.o.hash, message, nodeOpts, sig));
      assert.ok(verifyDigest(publicKey, digest, sig, c.o));

      // OpenSSL's, checked here (its ECDSA signatures are not normalised to low S).
      const theirs = join(dir, 'theirs.sig');
      const signed = await run('openssl', ['pkeyutl', '-sign', '-inkey', keyFile, '-in', digestFile, '-out', theirs, ...opts]);
      assert.equal(signed.code, 0, signed.out);
      const theirSig = await readFile(theirs);
      assert.ok(verifyDigest(publicKey, digest, theirSig, c.o), 'an OpenSSL signature verifies');

      const tampered = Buffer.from(sig);
      tampered[tampered.length - 1]! ^= 1;
      assert.equal(verifyDigest(publicKey, digest, tampered, c.o), false);
      const other = createHash(c.o.hash).update('other').digest();
      assert.equal(verifyDigest(publicKey, other, sig, c.o), false);
      assert.equal(verifyDigest(publicKey, digest, Buffer.from('not a signature'), c.o), false);
    });
  }
});
