import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CreateAliasCommand, CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PYTHONS, startServer, type TestServer } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MiB = 1024 * 1024;

interface Result { code: number; stdout: Buffer; stderr: string; peakRssKiB: number }

/**
 * Runs `coffer <args>` as a real process; its peak RSS comes from GNU time when the machine has
 * it, else from the kernel's high-water mark (VmHWM) sampled until the process exits.
 */
function coffer(args: string[], env: NodeJS.ProcessEnv, stdin?: Buffer | string): Promise<Result> {
  return runProcess(process.execPath, [MAIN, ...args], env, stdin);
}

function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdin?: Buffer | string): Promise<Result> {
  const timeFile = join(tmpdir(), `coffer-rss-${randomBytes(6).toString('hex')}`);
  const useTime = existsSync('/usr/bin/time');
  const child = useTime
    ? spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let hwm = 0;
  const sampler = useTime ? undefined : setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8').then((s) => (hwm = Math.max(hwm, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0))), () => {});
  }, 20);
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', async (code) => {
      clearInterval(sampler);
      const peak = useTime ? Number((await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)) : hwm;
      await rm(timeFile, { force: true });
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr, peakRssKiB: peak });
    });
  });
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** A file of `size` random bytes, written in 1 MiB pieces (never held whole). */
async function randomFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  for (let done = 0; done < size; done += MiB) {
    if (!out.write(randomBytes(Math.min(MiB, size - done)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(resolve);
  });
}

/** The failure contract: non-zero exit, one line on stderr, no stack trace, no secret. */
function assertCleanFailure(r: Result, server: TestServer, pattern: RegExp): void {
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr.trim(), pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.ok(!r.stderr.includes(server.secretAccessKey));
}

/** The same message format through @aws-crypto/client-node used directly, as another program would. */
const SDK_SCRIPT = `
const { createRequire } = require('node:module');
const [root, mode, arn, endpoint] = process.argv.slice(1);
const { buildClient, CommitmentPolicy, KmsKeyringNode, getClient, KMS } = createRequire(root + '/package.json')('@aws-crypto/client-node');
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const keyring = new KmsKeyringNode({ generatorKeyId: mode === 'encrypt' ? arn : undefined, keyIds: mode === 'encrypt' ? [] : [arn], clientProvider: getClient(KMS, { endpoint }) });
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c)).on('end', async () => {
  const input = Buffer.concat(chunks);
  const out = mode === 'encrypt' ? (await encrypt(keyring, input, { encryptionContext: { origin: 'sdk' } })).result : (await decrypt(keyring, input)).plaintext;
  process.stdout.write(out);
});
`;

describe('coffer encrypt/decrypt against Coffer KMS', () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let arn: string;
  let kms: KMSClient;

  before(async () => {
    server = await startServer();
    env = server.clientEnv();
    dir = await mkdtemp(join(tmpdir(), 'coffer-envelope-e2e-'));
    kms = new KMSClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/envelope', TargetKeyId: arn }));
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const size of [0, 1, MiB]) {
    it(`round-trips ${size} bytes through files, with aws-encryption-cli metadata`, async () => {
      const plain = join(dir, `p${size}`);
      await randomFile(plain, size);
      const meta = join(dir, `meta${size}.json`);
      const enc = await coffer(['encrypt', '-i', plain, '-o', `${plain}.enc`, '-w', 'key=alias/envelope', '-c', 'purpose=e2e', '--metadata-output', meta], env);
      assert.equal(enc.code, 0, enc.stderr);
      const dec = await coffer(['decrypt', '-i', `${plain}.enc`, '-o', `${plain}.dec`, '-w', `key=${arn}`, '-c', 'purpose=e2e', '--metadata-output', meta], env);
      assert.equal(dec.code, 0, dec.stderr);
      assert.equal(await sha256(`${plain}.dec`), await sha256(plain));
      const [encMeta, decMeta] = (await readFile(meta, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual([encMeta.mode, encMeta.input, encMeta.output], ['encrypt', plain, `${plain}.enc`]);
      assert.equal(Buffer.from(encMeta.header.encrypted_data_keys[0].key_provider.key_info, 'base64').toString(), arn);
      assert.equal(encMeta.header.encryption_context.purpose, 'e2e');
      assert.equal(decMeta.header.message_id, encMeta.header.message_id);
      assert.ok(decMeta.header_auth.tag);
    });
  }

  it('streams 300 MiB both ways with a flat memory profile', async () => {
    const peaks: Record<string, number> = {};
    for (const [name, size] of [['small', MiB], ['big', 300 * MiB]] as const) {
      const plain = join(dir, name);
      await randomFile(plain, size);
      const enc = await coffer(['encrypt', '-i', plain, '-o', `${plain}.enc`, '-w', 'key=alias/envelope', '-S'], env);
      assert.equal(enc.code, 0, enc.stderr);
      const dec = await coffer(['decrypt', '-i', `${plain}.enc`, '-o', `${plain}.dec`, '-w', `key=${arn}`, '-S'], env);
      assert.equal(dec.code, 0, dec.stderr);
      assert.equal(await sha256(`${plain}.dec`), await sha256(plain));
      peaks[`encrypt ${name}`] = enc.peakRssKiB;
      peaks[`decrypt ${name}`] = dec.peakRssKiB;
      for (const f of [plain, `${plain}.enc`, `${plain}.dec`]) await rm(f);
    }
    // Holding the input would add 300 MiB over the same command's peak on 1 MiB. Streaming adds
    // only buffers and garbage awaiting collection (~50-90 MiB seen), whatever the size; the
    // bound is relative so that modules other commands add to the CLI's baseline don't move it.
    const report = JSON.stringify(peaks);
    for (const mode of ['encrypt', 'decrypt']) {
      assert.ok(peaks[`${mode} small`]! > 0, report);
      assert.ok(peaks[`${mode} big`]! - peaks[`${mode} small`]! < 150 * 1024, `${mode} grew with the input: ${report} (KiB)`);
      assert.ok(peaks[`${mode} big`]! < 300 * 1024, `${mode} peak RSS above the input size: ${report} (KiB)`);
    }
  });

  it('interoperates with @aws-crypto/client-node used directly, both ways', async () => {
    const plaintext = randomBytes(200_000);
    const ours = await coffer(['encrypt', '-i', '-', '-o', '-', '-w', `key=${arn}`, '-S'], env, plaintext);
    assert.equal(ours.code, 0, ours.stderr);
    const theirsDecrypt = await runProcess(process.execPath, ['-e', SDK_SCRIPT, ROOT, 'decrypt', arn, server.url], env, ours.stdout);
    assert.equal(theirsDecrypt.code, 0, theirsDecrypt.stderr);
    assert.deepEqual(theirsDecrypt.stdout, plaintext);
    const theirs = await runProcess(process.execPath, ['-e', SDK_SCRIPT, ROOT, 'encrypt', arn, server.url], env, plaintext);
    assert.equal(theirs.code, 0, theirs.stderr);
    const oursDecrypt = await coffer(['decrypt', '-i', '-', '-o', '-', '-w', 'discovery=true', `discovery-account=${arn.split(':')[4]}`, 'discovery-partition=aws', '-c', 'origin=sdk', '-S'], env, theirs.stdout);
    assert.equal(oursDecrypt.code, 0, oursDecrypt.stderr);
    assert.deepEqual(oursDecrypt.stdout, plaintext);
  });

  it('fails cleanly on a wrong encryption context, a tampered byte and a disabled key', async () => {
    const plain = join(dir, 'victim');
    await randomFile(plain, 100_000);
    const enc = await coffer(['encrypt', '-i', plain, '-o', `${plain}.enc`, '-w', `key=${arn}`, '-c', 'purpose=payroll', '-S'], env);
    assert.equal(enc.code, 0, enc.stderr);
    const out = join(dir, 'victim.out');

    const wrongContext = await coffer(['decrypt', '-i', `${plain}.enc`, '-o', out, '-w', `key=${arn}`, '-c', 'purpose=marketing', '-S'], env);
    assertCleanFailure(wrongContext, server, /^coffer: encryption context mismatch: the message does not have purpose=marketing$/m);
    assert.equal(existsSync(out), false);

    const message = await readFile(`${plain}.enc`);
    message[message.length - 5_000]! ^= 0x40;
    await writeFile(`${plain}.bad`, message);
    const tampered = await coffer(['decrypt', '-i', `${plain}.bad`, '-o', out, '-w', `key=${arn}`, '-S'], env);
    assertCleanFailure(tampered, server, /^coffer: message authentication failed: the input is corrupt or was tampered with/);
    assert.equal(existsSync(out), false);

    const doomed = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const encDoomed = await coffer(['encrypt', '-i', plain, '-o', `${plain}.doomed`, '-w', `key=${doomed}`, '-S'], env);
    assert.equal(encDoomed.code, 0, encDoomed.stderr);
    await kms.send(new DisableKeyCommand({ KeyId: doomed }));
    const disabled = await coffer(['decrypt', '-i', `${plain}.doomed`, '-o', out, '-w', `key=${doomed}`, '-S'], env);
    assertCleanFailure(disabled, server, new RegExp(`^coffer: KMS Decrypt with ${doomed} failed: DisabledException: ${doomed} is disabled\\.$`));
    assert.equal(existsSync(out), false);
    const encDisabled = await coffer(['encrypt', '-i', plain, '-o', out, '-w', `key=${doomed}`, '-S'], env);
    assertCleanFailure(encDisabled, server, /^coffer: KMS GenerateDataKey with .* failed: DisabledException/);
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
  });

  it('an interrupted run (Ctrl-C) removes its temp file and exits non-zero', async () => {
    const out = join(dir, 'interrupted.enc');
    const child = spawn(process.execPath, [MAIN, 'encrypt', '-i', '-', '-o', out, '-w', 'key=alias/envelope', '-S'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // More than the pipe and stream buffers hold: 'drain' means the encryption is consuming it,
    // so its temp output exists. stdin stays open: the run is mid-stream when the signal lands.
    if (!child.stdin.write(randomBytes(8 * MiB))) await new Promise<void>((r) => child.stdin.once('drain', () => r()));
    child.kill('SIGINT');
    assert.notEqual(await closed, 0);
    assert.match(stderr, /^coffer: interrupted by SIGINT; nothing was written$/m);
    assert.deepEqual((await readdir(dir)).filter((f) => f.includes('interrupted')), []);
  });

  it('finds KMS through AWS_ENDPOINT_URL_KMS, --endpoint-url, and a profile named on the wrapping key', async () => {
    const bare: NodeJS.ProcessEnv = { ...env };
    for (const name of ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete bare[name];
    const credentials = join(dir, 'credentials');
    const config = join(dir, 'config');
    await writeFile(credentials, `[vault]\naws_access_key_id = ${server.accessKeyId}\naws_secret_access_key = ${server.secretAccessKey}\n`);
    await writeFile(config, `[profile vault]\nregion = ${server.region}\n`);
    const profiled = { ...bare, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config };
    const plaintext = randomBytes(1000);
    const enc = await coffer(['encrypt', '-i', '-', '-o', '-', '-w', 'key=alias/envelope', 'profile=vault', '-S'], { ...profiled, AWS_ENDPOINT_URL_KMS: server.url }, plaintext);
    assert.equal(enc.code, 0, enc.stderr);
    const dec = await coffer(['decrypt', '-i', '-', '-o', '-', '-w', `key=${arn}`, '--profile', 'vault', '--endpoint-url', server.url, '-S'], profiled, enc.stdout);
    assert.equal(dec.code, 0, dec.stderr);
    assert.deepEqual(dec.stdout, plaintext);
    const anonymous = await coffer(['decrypt', '-i', '-', '-o', '-', '-w', `key=${arn}`, '--endpoint-url', server.url, '-S'], bare, enc.stdout);
    assertCleanFailure(anonymous, server, /^coffer: no AWS credentials for KMS: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile$/);
  });

  it('encrypts and decrypts a directory tree with -r', async () => {
    const src = join(dir, 'tree');
    await mkdir(join(src, 'a/b'), { recursive: true });
    const files = { 'top.txt': 'top', 'a/one.bin': randomBytes(3000), 'a/b/two.txt': '' };
    for (const [name, data] of Object.entries(files)) await writeFile(join(src, name), data);
    await mkdir(join(dir, 'tree.enc'));
    await mkdir(join(dir, 'tree.dec'));
    const enc = await coffer(['encrypt', '-r', '-i', src, '-o', join(dir, 'tree.enc'), '-w', 'key=alias/envelope', '-S'], env);
    assert.equal(enc.code, 0, enc.stderr);
    assert.ok(existsSync(join(dir, 'tree.enc/a/b/two.txt.encrypted')));
    const dec = await coffer(['decrypt', '-r', '-i', join(dir, 'tree.enc'), '-o', join(dir, 'tree.dec'), '--suffix', '', '-w', `key=${arn}`, '-S'], env);
    assert.equal(dec.code, 0, dec.stderr);
    for (const [name, data] of Object.entries(files)) {
      assert.deepEqual(await readFile(join(dir, 'tree.dec', `${name}.encrypted`)), Buffer.from(data));
    }
    const again = await coffer(['encrypt', '-r', '-i', src, '-o', join(dir, 'tree.enc'), '-w', 'key=alias/envelope', '-S', '--no-overwrite'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr.match(/Skipping existing output file/g)?.length, 3);
  });

  it('pipes stdin to stdout, base64 on the way out and back in', async () => {
    const plaintext = randomBytes(70_000);
    const enc = await coffer(['encrypt', '-i', '-', '-o', '-', '-w', 'key=alias/envelope', '-S', '--encode'], env, plaintext);
    assert.equal(enc.code, 0, enc.stderr);
    assert.match(enc.stdout.toString(), /^[A-Za-z0-9+/]+=*$/);
    const dec = await coffer(['decrypt', '-i', '-', '-o', '-', '-w', `key=${arn}`, '-S', '--decode', '--buffer'], env, enc.stdout);
    assert.equal(dec.code, 0, dec.stderr);
    assert.deepEqual(dec.stdout, plaintext);
  });
});

/** Python's cryptography.fernet, for both interpreters the machine has. */
const PY_FERNET = `
import sys, time
from cryptography.fernet import Fernet, InvalidToken
mode, key = sys.argv[1], sys.argv[2].encode()
data = sys.stdin.buffer.read()
f = Fernet(key)
if mode == 'encrypt':
    sys.stdout.buffer.write(f.encrypt(data))
elif mode == 'encrypt-old':
    sys.stdout.buffer.write(f.encrypt_at_time(data, int(time.time()) - 3600))
elif mode == 'decrypt':
    sys.stdout.buffer.write(f.decrypt(data))
else:
    try:
        f.decrypt_at_time(data, ttl=60, current_time=int(time.time()) + 3600)
        print('accepted')
    except InvalidToken:
        print('expired')
`;

const PY_ENVELOPE = `
import base64, json, sys, boto3
from cryptography.fernet import Fernet
data = sys.stdin.buffer.read()
header, token = data.split(b"\\n", 1)
h = json.loads(header)
kms = boto3.client("kms", endpoint_url=sys.argv[1], region_name="us-east-1")
key = kms.decrypt(CiphertextBlob=base64.b64decode(h["encryptedDataKey"]), KeyId=h["keyId"], EncryptionContext=h["encryptionContext"])["Plaintext"]
sys.stdout.buffer.write(Fernet(base64.urlsafe_b64encode(key)).decrypt(token))
`;

describe('Fernet tokens between coffer and Python', () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    server = await startServer();
    env = server.clientEnv();
  });
  after(() => server?.stop());

  for (const python of PYTHONS) {
    it(`${python}: tokens cross both ways, and TTLs expire on both sides`, async () => {
      const key = (await coffer(['fernet', 'generate-key'], env)).stdout.toString().trim();
      const keyEnv = { ...env, COFFER_FERNET_KEY: key };
      const plaintext = randomBytes(5000);
      const ours = await coffer(['fernet', 'encrypt'], keyEnv, plaintext);
      assert.equal(ours.code, 0, ours.stderr);
      const decoded = await runProcess(python, ['-c', PY_FERNET, 'decrypt', key], env, ours.stdout);
      assert.equal(decoded.code, 0, decoded.stderr);
      assert.deepEqual(decoded.stdout, plaintext);
      assert.equal((await runProcess(python, ['-c', PY_FERNET, 'check-ttl', key], env, ours.stdout)).stdout.toString().trim(), 'expired');

      const theirs = await runProcess(python, ['-c', PY_FERNET, 'encrypt', key], env, plaintext);
      const back = await coffer(['fernet', 'decrypt', '--ttl', '60'], keyEnv, theirs.stdout);
      assert.equal(back.code, 0, back.stderr);
      assert.deepEqual(back.stdout, plaintext);

      const old = await runProcess(python, ['-c', PY_FERNET, 'encrypt-old', key], env, plaintext);
      const expired = await coffer(['fernet', 'decrypt', '--ttl', '60'], keyEnv, old.stdout);
      assertCleanFailure(expired, server, /^coffer: invalid Fernet token: expired/);
      assert.equal(expired.stdout.length, 0);
      assert.equal((await coffer(['fernet', 'decrypt', '--ttl', '7200'], keyEnv, old.stdout)).code, 0);
      const otherKey = (await coffer(['fernet', 'generate-key'], env)).stdout.toString().trim();
      assertCleanFailure(await coffer(['fernet', 'decrypt'], { ...env, COFFER_FERNET_KEY: otherKey }, ours.stdout), server, /^coffer: invalid Fernet token/);
    });
  }

  it('coffer encrypt --format fernet: a KMS data key as the Fernet key, decryptable with KMS alone', async () => {
    const kms = new KMSClient({ endpoint: server.url, region: server.region, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    const arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/fernet', TargetKeyId: arn }));
    const plaintext = randomBytes(40_000);
    const enc = await coffer(['encrypt', '--format', 'fernet', '--key-id', 'alias/fernet', '-c', 'app=web', '-i', '-', '-o', '-'], env, plaintext);
    assert.equal(enc.code, 0, enc.stderr);
    assert.equal(JSON.parse(enc.stdout.subarray(0, enc.stdout.indexOf(10)).toString()).keyId, arn);
    const dec = await coffer(['decrypt', '--format', 'fernet', '-c', 'app=web', '-i', '-', '-o', '-'], env, enc.stdout);
    assert.equal(dec.code, 0, dec.stderr);
    assert.deepEqual(dec.stdout, plaintext);
    for (const python of PYTHONS) {
      const py = await runProcess(python, ['-c', PY_ENVELOPE, server.url], env, enc.stdout);
      assert.equal(py.code, 0, py.stderr);
      assert.deepEqual(py.stdout, plaintext);
    }
    assertCleanFailure(await coffer(['decrypt', '--format', 'fernet', '-c', 'app=db', '-i', '-', '-o', '-'], env, enc.stdout), server, /encryption context mismatch/);
    await kms.send(new DisableKeyCommand({ KeyId: arn }));
    assertCleanFailure(await coffer(['decrypt', '--format', 'fernet', '-i', '-', '-o', '-'], env, enc.stdout), server, /^coffer: KMS Decrypt with .* failed: DisabledException/);
  });
});
