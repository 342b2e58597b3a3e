import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startServer } from './harness.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** The files of `dir` whose bytes contain `secret` as UTF-8, hex or base64. */
async function filesHolding(dir: string, secret: string): Promise<string[]> {
  const forms = [Buffer.from(secret), Buffer.from(Buffer.from(secret).toString('hex')), Buffer.from(Buffer.from(secret).toString('base64'))];
  const hits: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    if (forms.some((f) => bytes.includes(f))) hits.push(file);
  }
  return hits;
}

describe('secrets at rest', () => {
  it('no secret access key is stored in plaintext in the data dir', async () => {
    const server = await startServer();
    const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    await sts.send(new GetCallerIdentityCommand({}));
    const dir = server.dataDir;
    try {
      assert.deepEqual(await filesHolding(dir, server.secretAccessKey), []);
      assert.equal((await stat(join(dir, 'root.key'))).mode & 0o777, 0o600);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
    } finally {
      await server.stop();
    }
  });

  it('a generated root key is shown once through its 0600 credentials file, and stored sealed', async () => {
    const server = await startServer({ credentials: false });
    try {
      const file = join(server.dataDir, 'root-credentials');
      const text = await readFile(file, 'utf8');
      const secret = /aws_secret_access_key = (\S+)/.exec(text)![1]!;
      const accessKeyId = /aws_access_key_id = (\S+)/.exec(text)![1]!;
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const sts = new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: secret } });
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(me.Arn, `arn:aws:iam::${me.Account}:root`);
      // The credentials file is the one place the operator picks the secret up; the store never holds it.
      assert.deepEqual(await filesHolding(server.dataDir, secret), [file]);
      assert.ok(!server.output().includes(secret), 'the secret reached the logs');
    } finally {
      await server.stop();
    }
  });
});
