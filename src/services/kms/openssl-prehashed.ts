/**
 * Signing and verifying a message *digest* (Sign/Verify with MessageType DIGEST) for ECDSA and
 * RSASSA-PSS. node:crypto only offers hash-then-sign (EVP_DigestSign) and Node 20's OpenSSL 3.0
 * has no prehashed mode behind it, so these two cases go to the OpenSSL command-line tool, which
 * signs a given digest (`pkeyutl -pkeyopt digest:<alg>`): real OpenSSL, no hand-written crypto.
 *
 * The key never touches the disk or the command line: it goes to the child's stdin, through `cat`
 * because Node's stdio channels are sockets, which OpenSSL cannot open as /dev/stdin. The digest
 * and a signature to verify are not secret; they go through files in a fresh 0700 temporary
 * directory that is removed right after.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsError } from '../../errors.js';

export interface PrehashedOptions {
  /** OpenSSL digest name: sha256, sha384, sha512. */
  hash: string;
  /** RSASSA-PSS with salt length = digest length (as AWS signs); absent for ECDSA. */
  pss?: boolean;
}

function pkeyopts(o: PrehashedOptions): string[] {
  const opts = ['-pkeyopt', `digest:${o.hash}`];
  if (o.pss) opts.push('-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', 'rsa_pss_saltlen:digest', '-pkeyopt', `rsa_mgf1_md:${o.hash}`);
  return opts;
}

interface Run { code: number; stdout: Buffer }

/** Runs `openssl <args>` with `key` on stdin and `files` written where `{name}` appears in args. */
async function runOpenssl(args: string[], key: Buffer, files: Record<string, Buffer>): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-kms-'));
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data, { mode: 0o600 });
    const argv = args.map((a) => (a.startsWith('{') ? join(dir, a.slice(1, -1)) : a));
    return await new Promise<Run>((resolve, reject) => {
      const child = spawn('sh', ['-c', 'cat | exec openssl "$@"', 'openssl', ...argv], { stdio: ['pipe', 'pipe', 'ignore'] });
      const out: Buffer[] = [];
      child.on('error', () => reject(new AwsError('KMSInternalException', 'The signing backend is unavailable.')));
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out) }));
      child.stdin.on('error', () => undefined); // OpenSSL may exit (bad input) before reading it all
      child.stdin.end(key);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const KEY_ARGS = ['-keyform', 'DER', '-inkey', '/dev/stdin'];

/** Signs `digest` with a PKCS#8 DER private key; ECDSA signatures come back DER-encoded, as AWS returns them. */
export async function signDigest(privateKeyDer: Buffer, digest: Buffer, o: PrehashedOptions): Promise<Buffer> {
  const r = await runOpenssl(['pkeyutl', '-sign', ...KEY_ARGS, '-in', '{digest}', ...pkeyopts(o)], privateKeyDer, { digest });
  if (r.code !== 0 || !r.stdout.length) throw new AwsError('KMSInternalException', 'The signature could not be computed.');
  return r.stdout;
}

/** Whether `signature` is valid for `digest` under a SubjectPublicKeyInfo DER public key. */
export async function verifyDigest(publicKeyDer: Buffer, digest: Buffer, signature: Buffer, o: PrehashedOptions): Promise<boolean> {
  const r = await runOpenssl(
    ['pkeyutl', '-verify', '-pubin', ...KEY_ARGS, '-in', '{digest}', '-sigfile', '{signature}', ...pkeyopts(o)],
    publicKeyDer, { digest, signature });
  return r.code === 0;
}
