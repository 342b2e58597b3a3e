/**
 * The seeds' boto3 KMS snippets (seeds 000, 001, 002), verbatim apart from the endpoint and
 * credentials, with both Pythons; and aws-cli (v1 and v2) encrypt / decrypt / generate-data-key /
 * schedule-key-deletion / list-aliases.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AWS_CLIS, PYTHONS, run, startServer, type TestServer } from './harness.js';

/**
 * Each seed's code runs as written; only `boto3.client('kms')` gets `endpoint_url` (Debian's
 * boto3 1.26 ignores AWS_ENDPOINT_URL). The script prints what the test checks as JSON.
 */
const SEEDS = `
import boto3, json, os, sys
from botocore.exceptions import ClientError
ENDPOINT, WORKDIR = sys.argv[1], sys.argv[2]
out = {}
_client = boto3.client
boto3.client = lambda name, **kw: _client(name, endpoint_url=ENDPOINT, **kw)

# --- seed 002: create, encrypt, decrypt, schedule deletion ---
boto3.setup_default_session(region_name='us-east-1', aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'], aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'])
kms_client = boto3.client('kms')
response = kms_client.create_key()
key_id = response['KeyMetadata']['KeyId']
arn = response['KeyMetadata']['Arn']
plaintext_data = b'This is the text to be encrypted'
response = kms_client.encrypt(KeyId=key_id, Plaintext=plaintext_data)
ciphertext_data = response['CiphertextBlob']
out['seed002_roundtrip'] = kms_client.decrypt(CiphertextBlob=ciphertext_data)['Plaintext'] == plaintext_data
out['seed002_encrypt_key'] = response['KeyId'] == arn
ciphertext_data = b'encrypted data'
try:
    response = kms_client.decrypt(CiphertextBlob=ciphertext_data)
    out['seed002_garbage'] = 'decrypted?!'
except ClientError as e:
    out['seed002_garbage'] = e.response['Error']['Code']
out['seed002_schedule'] = kms_client.schedule_key_deletion(KeyId=key_id)['KeyState']
out['seed002_state'] = kms_client.describe_key(KeyId=key_id)['KeyMetadata']['KeyState']

# --- seed 001: create_key, encrypt under the key ARN ---
kms_client = boto3.client('kms')
response = kms_client.create_key()
key_arn = response['KeyMetadata']['Arn']
response = kms_client.encrypt(
    KeyId=key_arn,
    Plaintext=b'My secret data'
)
ciphertext_blob = response['CiphertextBlob']
print(ciphertext_blob, file=sys.stderr)
out['seed001'] = kms_client.decrypt(CiphertextBlob=ciphertext_blob)['Plaintext'].decode()

# --- seed 000: generate_data_key with alias/my-key, then encrypt the file under response['KeyId'] ---
kms_client = boto3.client('kms')
kms_client.create_alias(AliasName='alias/my-key', TargetKeyId=kms_client.create_key()['KeyMetadata']['KeyId'])
file_path = os.path.join(WORKDIR, 'report.txt')
with open(file_path, 'wb') as f:
    f.write(b'quarterly numbers' * 100)
response = kms_client.generate_data_key(
    KeyId='alias/my-key',
    KeySpec='AES_256'
)
with open(file_path, 'rb') as file:
    encrypted_data = kms_client.encrypt(
        KeyId=response['KeyId'],
        Plaintext=file.read()
    )
out['seed000_datakey_len'] = len(response['Plaintext'])
out['seed000_datakey_back'] = kms_client.decrypt(CiphertextBlob=response['CiphertextBlob'])['Plaintext'] == response['Plaintext']
out['seed000_file_back'] = kms_client.decrypt(CiphertextBlob=encrypted_data['CiphertextBlob'])['Plaintext'] == open(file_path, 'rb').read()
out['seed000_key_is_arn'] = response['KeyId'].startswith('arn:aws:kms:us-east-1:') and encrypted_data['KeyId'] == response['KeyId']
kms_client.delete_alias(AliasName='alias/my-key')
print(json.dumps(out))
`;

describe('KMS seeds and aws-cli', () => {
  let server: TestServer;
  let work: string;
  before(async () => {
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'coffer-kms-cli-'));
  });
  after(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const python of PYTHONS) {
    it(`seeds 000, 001, 002 with boto3 (${python}) behave as on AWS`, async () => {
      const r = await run(python, ['-c', SEEDS, server.url, work], server.clientEnv());
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), {
        seed002_roundtrip: true,
        seed002_encrypt_key: true,
        seed002_garbage: 'InvalidCiphertextException',
        seed002_schedule: 'PendingDeletion',
        seed002_state: 'PendingDeletion',
        seed001: 'My secret data',
        seed000_datakey_len: 32,
        seed000_datakey_back: true,
        seed000_file_back: true,
        seed000_key_is_arn: true,
      });
    });
  }

  for (const cli of AWS_CLIS) {
    it(`aws-cli (${cli}): create-key, create-alias, encrypt fileb://, decrypt, generate-data-key, list-aliases, schedule-key-deletion`, async () => {
      const aws = async (...args: string[]) => {
        const r = await run(cli, ['kms', ...args, '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        return r.stdout.trim() ? JSON.parse(r.stdout) : {};
      };
      const key = (await aws('create-key', '--description', 'cli key')).KeyMetadata;
      const alias = `alias/cli-${cli.includes('/') ? 'v2' : 'v1'}`;
      await aws('create-alias', '--alias-name', alias, '--target-key-id', key.KeyId);

      const plain = join(work, `plain-${key.KeyId}`);
      const secret = Buffer.from('the cli secret \u00e9\n');
      await writeFile(plain, secret);
      const enc = await aws('encrypt', '--key-id', alias, '--plaintext', `fileb://${plain}`, '--encryption-context', 'app=cli');
      assert.equal(enc.KeyId, key.Arn);
      const blob = join(work, `blob-${key.KeyId}`);
      await writeFile(blob, Buffer.from(enc.CiphertextBlob, 'base64'));
      const dec = await aws('decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'app=cli');
      assert.deepEqual(Buffer.from(dec.Plaintext, 'base64'), secret);
      assert.equal(dec.KeyId, key.Arn);
      assert.equal(dec.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');

      const wrong = await run(cli, ['kms', 'decrypt', '--ciphertext-blob', `fileb://${blob}`, '--endpoint-url', server.url], server.clientEnv());
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /InvalidCiphertextException/);

      const dk = await aws('generate-data-key', '--key-id', alias, '--key-spec', 'AES_256');
      assert.equal(Buffer.from(dk.Plaintext, 'base64').length, 32);
      await writeFile(blob, Buffer.from(dk.CiphertextBlob, 'base64'));
      assert.equal((await aws('decrypt', '--ciphertext-blob', `fileb://${blob}`)).Plaintext, dk.Plaintext);

      const aliases = (await aws('list-aliases')).Aliases as Array<{ AliasName: string; TargetKeyId?: string }>;
      assert.equal(aliases.find((a) => a.AliasName === alias)?.TargetKeyId, key.KeyId);
      assert.ok(aliases.some((a) => a.AliasName === 'alias/aws/s3'), 'predefined AWS aliases are listed');

      const sched = await aws('schedule-key-deletion', '--key-id', key.KeyId, '--pending-window-in-days', '7');
      assert.equal(sched.KeyState, 'PendingDeletion');
      assert.equal(sched.PendingWindowInDays, 7);
      assert.equal(sched.KeyId, key.Arn);
      const failed = await run(cli, ['kms', 'encrypt', '--key-id', key.KeyId, '--plaintext', `fileb://${plain}`, '--endpoint-url', server.url], server.clientEnv());
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, new RegExp(`KMSInvalidStateException.*${key.Arn} is pending deletion\\.`));
      assert.deepEqual(await readFile(plain), secret);
    });
  }
});
