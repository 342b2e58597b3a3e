// The web console in a real browser (Debian's chromium through playwright-core) against a real
// server: every click goes through the AWS SDK in the page to the API, and each effect is checked
// with the SDK from here. Screenshots of every page (1440 px and phone width, light and dark) are
// written to test-artifacts/console/ (or $COFFER_TEST_ARTIFACTS). Audits, IAM roles/groups/MFA and
// large uploads: test/console-audit.e2e.test.ts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import {
  CreateBucketCommand, DeleteBucketCommand, GetBucketEncryptionCommand, GetBucketPolicyCommand, GetBucketVersioningCommand, GetObjectCommand, HeadBucketCommand,
  HeadObjectCommand, ListObjectVersionsCommand, PutBucketEncryptionCommand, S3Client,
} from '@aws-sdk/client-s3';
import { CreateUserCommand, GetUserPolicyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient, ListGrantsCommand, ListKeyRotationsCommand, ListKeysCommand, ListResourceTagsCommand, PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { Page } from 'playwright-core';
import { ConsoleBrowser, VIEWPORTS } from './console-browser.js';
import { startServer, type TestServer } from './harness.js';

let server: TestServer;
let ui: ConsoleBrowser;
let page: Page;
let health: { services: Record<string, string>; audit?: string };
let account: string;

function sdkConfig(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey }) {
  return { region: server.region, endpoint: server.url, credentials };
}

before(async () => {
  server = await startServer();
  health = (await (await fetch(`${server.url}/_coffer/health`)).json()) as typeof health;
  account = (await new STSClient(sdkConfig()).send(new GetCallerIdentityCommand({}))).Account!;
  ui = await ConsoleBrowser.launch(server);
  page = ui.page;
});

after(async () => {
  await ui?.close();
  await server?.stop();
});

const available = (service: string) => health.services[service] === 'available';
const consoleUrl = (path = '') => ui.url(path);
const settled = () => ui.settled();
const capture = (name: string) => ui.capture(name);
const signIn = (accessKeyId: string, secretAccessKey: string, sessionToken?: string) => ui.signIn(accessKeyId, secretAccessKey, sessionToken);
const nav = (label: string) => ui.nav(label);

test('the server serves the console: types, caching, client routes, no traversal', async () => {
  const index = await fetch(consoleUrl('keys/some-key-id'));
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  const html = await index.text();
  const script = /src="(\/_coffer\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, 'index.html loads a hashed script');
  const asset = await fetch(server.url + script);
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  const again = await fetch(server.url + script, { headers: { 'if-none-match': asset.headers.get('etag')! } });
  assert.equal(again.status, 304);

  const bare = await fetch(`${server.url}/_coffer/console`, { redirect: 'manual' });
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get('location'), '/_coffer/console/');
  assert.equal((await fetch(consoleUrl('assets/missing-file.js'))).status, 404);
  const dotted = await fetch(consoleUrl('buckets/logs.example.com/settings'));
  assert.equal(dotted.status, 200, 'client routes may contain dots (bucket names)');
  assert.equal(dotted.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal((await fetch(consoleUrl(), { method: 'POST', body: 'x' })).status, 405);
  // Raw paths (fetch would normalise them): every way out of the folder is refused.
  for (const path of ['/_coffer/console/../../package.json', '/_coffer/console/..%2f..%2fpackage.json', '/_coffer/console/%2e%2e/%2e%2e/package.json', '/_coffer/console/assets/..%2f..%2f..%2fpackage.json']) {
    const { status, body } = await rawGet(path);
    assert.equal(status, 404, path);
    assert.doesNotMatch(body, /"name": "coffer"/, path);
  }
});

function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the console in a browser: keys, buckets, objects, trail, IAM, a limited user', async (t) => {
  const kms = new KMSClient(sdkConfig());
  const s3 = new S3Client({ ...sdkConfig(), forcePathStyle: true });
  const bucket = `console-e2e-${randomBytes(4).toString('hex')}`;
  const content = `hello from the coffer console ${randomBytes(8).toString('hex')}\n`;
  let keyId = '';
  let limitedKey: { id: string; secret: string } | undefined;

  await t.test('sign in as the account root, keys kept in the tab only', async () => {
    await page.goto(consoleUrl());
    await page.getByRole('heading', { name: 'Sign in to Coffer' }).waitFor();
    await capture('sign-in');
    await signIn(server.accessKeyId, server.secretAccessKey);
    await page.getByText(`arn:aws:iam::${account}:root`).first().waitFor();
    const local = await page.evaluate<string>('JSON.stringify({ ...localStorage })');
    const session = await page.evaluate<string>('JSON.stringify({ ...sessionStorage })');
    assert.ok(!local.includes(server.secretAccessKey), 'no secret in localStorage');
    assert.ok(session.includes(server.accessKeyId), 'the session lives in this tab\'s sessionStorage');
  });

  await t.test('create a KMS key with an alias, tags; disable and enable it', async () => {
    await nav('Keys');
    await page.getByRole('heading', { name: 'KMS keys' }).waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create KMS key' });
    await dialog.getByLabel('Alias').fill('console-e2e');
    await dialog.getByLabel('Description').fill('Console e2e key');
    await dialog.getByLabel('Tags').fill('team=security');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { name: 'Console e2e key' }).waitFor();
    keyId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    const described = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/console-e2e' }))).KeyMetadata!;
    assert.equal(described.KeyId, keyId);
    assert.equal(described.Description, 'Console e2e key');
    const tags = (await kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags ?? [];
    assert.deepEqual(tags.map((x) => [x.TagKey, x.TagValue]), [['team', 'security']]);
    const general = page.locator('section', { has: page.getByRole('heading', { name: 'General' }) });
    await general.getByText('Enabled', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await general.getByText('Disabled', { exact: true }).waitFor();
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Disabled');
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await general.getByText('Enabled', { exact: true }).waitFor();
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Enabled');
  });

  await t.test('the key policy editor checks JSON and shows AWS\'s own refusal', async () => {
    const editor = page.getByLabel('Key policy document');
    const save = page.getByRole('button', { name: 'Save key policy' });
    await editor.fill('{ "Version": "2012-10-17", ');
    await page.getByText(/^Invalid JSON:/).waitFor();
    assert.equal(await save.isDisabled(), true, 'an unparseable policy cannot be sent');
    // A policy that locks the caller out: KMS refuses it, and the console shows KMS's words.
    const lockout = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] });
    const refusal = await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: lockout })).then(() => undefined, (err: Error) => err);
    assert.ok(refusal, 'KMS refuses a policy that locks the caller out');
    await editor.fill(lockout);
    await save.click();
    const alert = page.getByRole('alert').filter({ hasText: refusal.name });
    await alert.waitFor();
    if (refusal.message && refusal.message !== 'UnknownError') await alert.getByText(refusal.message).waitFor();
    await capture('key-details');
    await nav('Keys');
    await page.getByRole('link', { name: keyId }).waitFor();
    await page.getByRole('row').filter({ hasText: 'alias/console-e2e' }).waitFor();
    await capture('keys');
  });

  await t.test('key rotation on with a period, rotate now, and a grant (when the server has them)', async () => {
    const missing = (err: Error) => { assert.equal(err.name, 'UnknownOperationException'); return false; };
    const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId })).then(() => true, missing);
    const grants = await kms.send(new ListGrantsCommand({ KeyId: keyId })).then(() => true, missing);
    t.diagnostic(`KMS rotation: ${rotation ? 'tested' : 'not implemented yet'}; grants: ${grants ? 'tested' : 'not implemented yet'}`);
    await page.goto(consoleUrl(`keys/${keyId}`));
    const section = (title: string) => page.locator('section', { has: page.getByRole('heading', { name: title, exact: true }) });
    if (rotation) {
      await section('Key rotation').getByLabel('Period (days, 90–2560)').fill('180');
      await section('Key rotation').getByRole('button', { name: 'Enable automatic rotation' }).click();
      await section('Key rotation').getByText('180 days', { exact: true }).waitFor();
      const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
      assert.equal(status.KeyRotationEnabled, true);
      assert.equal(status.RotationPeriodInDays, 180);
      await section('Key rotation').getByRole('button', { name: 'Rotate now' }).click();
      await section('Key rotation').getByRole('cell', { name: 'ON_DEMAND' }).waitFor();
      const rotations = (await kms.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations ?? [];
      assert.deepEqual(rotations.map((r) => r.RotationType), ['ON_DEMAND']);
    }
    if (grants) {
      await section('Grants').getByRole('button', { name: 'Create grant' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create grant' });
      await dialog.getByLabel('Grantee principal (ARN)').fill(`arn:aws:iam::${account}:root`);
      await dialog.getByLabel('Name (optional)').fill('console-grant');
      await dialog.getByRole('button', { name: 'Create grant' }).click();
      const token = await dialog.getByLabel('Grant token').inputValue();
      assert.ok(token.length > 0, 'the grant token is shown once');
      await dialog.getByRole('button', { name: 'Done' }).click();
      await section('Grants').getByRole('cell', { name: 'console-grant' }).waitFor();
      const listed = (await kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants ?? [];
      assert.deepEqual(listed.map((g) => [g.Name, g.GranteePrincipal, [...(g.Operations ?? [])].sort()]), [['console-grant', `arn:aws:iam::${account}:root`, ['Decrypt', 'Encrypt', 'GenerateDataKey']]]);
      await section('Grants').getByRole('button', { name: 'Revoke' }).click();
      await section('Grants').getByText('No grants on this key.').waitFor();
      assert.deepEqual((await kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants ?? [], []);
    }
  });

  await t.test('create a bucket (SSE-KMS by default when the server has it) and upload a file', async () => {
    // Does this server take SSE-KMS default encryption yet? Asked through the SDK, on a probe bucket.
    const probe = `${bucket}-probe`;
    await s3.send(new CreateBucketCommand({ Bucket: probe }));
    const kmsDefault = await s3.send(new PutBucketEncryptionCommand({ Bucket: probe, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyId } }] } }))
      .then(() => true, (err: Error) => { assert.equal(err.name, 'NotImplemented'); return false; });
    await s3.send(new DeleteBucketCommand({ Bucket: probe }));
    t.diagnostic(kmsDefault ? 'bucket default encryption: SSE-KMS' : 'PutBucketEncryption not implemented yet: bucket keeps the default SSE-S3');

    await nav('Buckets');
    await page.getByRole('button', { name: 'Create bucket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create bucket' });
    await dialog.getByLabel('Bucket name').fill(bucket);
    if (kmsDefault) {
      await dialog.getByLabel(/SSE-KMS/).check();
      const picker = dialog.getByLabel('KMS key', { exact: true });
      await picker.locator('option', { hasText: 'alias/console-e2e' }).waitFor({ state: 'attached' });
      await picker.selectOption({ label: `alias/console-e2e (${keyId})` });
    }
    await dialog.getByRole('button', { name: 'Create bucket' }).click();
    await page.getByRole('heading', { name: bucket }).waitFor();
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    if (kmsDefault) {
      const rule = (await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration!.Rules![0]!;
      assert.equal(rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'aws:kms');
      assert.match(rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID ?? '', new RegExp(keyId));
    }

    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const panel = page.locator('section', { has: page.getByRole('heading', { name: `Upload to ${bucket}/` }) });
    await panel.locator('input[type=file]').setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from(content) });
    assert.equal(await panel.getByLabel('Encryption').inputValue(), 'default');
    await panel.getByRole('button', { name: 'Upload', exact: true }).click();
    await panel.getByText('done', { exact: true }).waitFor();
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    assert.equal(await stored.Body!.transformToString(), content);
    await page.getByRole('link', { name: 'hello.txt' }).waitFor();
    await capture('objects');
  });

  await t.test('object details show the encryption and checksums S3 reports; download gives the bytes back', async () => {
    await page.getByRole('link', { name: 'hello.txt' }).click();
    await page.getByRole('heading', { name: 'hello.txt' }).waitFor();
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'hello.txt', ChecksumMode: 'ENABLED' }));
    assert.ok(head.ServerSideEncryption, 'every object is encrypted at rest');
    const names: Record<string, string> = { AES256: 'SSE-S3 (AES256)', 'aws:kms': 'SSE-KMS (aws:kms)' };
    assert.equal((await page.getByTestId('object-sse').textContent())?.trim(), names[head.ServerSideEncryption]);
    if (head.SSEKMSKeyId) await page.getByRole('link', { name: head.SSEKMSKeyId }).waitFor();
    assert.ok(head.ChecksumCRC32, 'the console uploads with a CRC32 checksum');
    await page.getByText(head.ChecksumCRC32, { exact: true }).waitFor();
    await capture('object-details');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    assert.equal(download.suggestedFilename(), 'hello.txt');
    assert.equal(await readFile((await download.path())!, 'utf8'), content);

    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: bucket }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Bucket policy' }).waitFor();
    await capture('bucket-settings');
    await nav('Buckets');
    await page.getByRole('link', { name: bucket, exact: true }).waitFor();
    await capture('buckets');
  });

  await t.test('bucket settings: versioning and policy; a second version, the versions view, delete', async () => {
    await page.getByRole('link', { name: `Settings of ${bucket}` }).click();
    await page.getByRole('button', { name: 'Enable versioning' }).click();
    await page.getByRole('button', { name: 'Suspend versioning' }).waitFor();
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled');

    const policy = { Version: '2012-10-17', Statement: [{ Sid: 'AccountReads', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] };
    await page.getByLabel('Bucket policy document').fill(JSON.stringify(policy));
    await page.getByRole('button', { name: 'Save bucket policy' }).click();
    await page.getByRole('button', { name: 'Delete policy' }).waitFor();
    assert.deepEqual(JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!), policy);

    await page.getByRole('link', { name: 'Browse objects' }).click();
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const panel = page.locator('section', { has: page.getByRole('heading', { name: `Upload to ${bucket}/` }) });
    await panel.locator('input[type=file]').setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('second version\n') });
    await panel.getByRole('button', { name: 'Upload', exact: true }).click();
    await panel.getByText('done', { exact: true }).waitFor();
    await page.getByLabel('Show versions').check();
    const versions = (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions ?? [];
    assert.equal(versions.length, 2);
    for (const v of versions) await page.getByRole('cell', { name: v.VersionId! }).waitFor();
    await capture('object-versions');

    // Deleting a version by id removes it for good; the older one becomes the current object.
    const latest = versions.find((v) => v.IsLatest)!;
    const older = versions.find((v) => !v.IsLatest)!;
    await page.getByRole('row').filter({ has: page.getByRole('cell', { name: latest.VersionId! }) }).getByRole('button', { name: 'Delete hello.txt' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete object' });
    await confirm.getByText(latest.VersionId!).waitFor();
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('cell', { name: latest.VersionId! }).waitFor({ state: 'detached' });
    const left = (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions ?? [];
    assert.deepEqual(left.map((v) => v.VersionId), [older.VersionId]);
    const current = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' }));
    assert.equal(await current.Body!.transformToString(), content);
  });

  await t.test('the trail lists the calls just made, filtered, with their JSON', { skip: !available('cloudtrail') && 'CloudTrail is not available' }, async () => {
    await nav('Trail');
    await page.getByLabel('Attribute').selectOption('EventName');
    await page.getByLabel('Value').fill('CreateKey');
    const rows = page.getByRole('table', { name: 'Events' }).getByRole('row');
    // The page first lists every event; wait for the answer to the filtered lookup before reading rows.
    await Promise.all([
      page.waitForResponse((r) => r.request().headers()['x-amz-target']?.endsWith('.LookupEvents') === true && (r.request().postData() ?? '').includes('"AttributeValue":"CreateKey"')),
      page.getByRole('button', { name: 'Look up events' }).click(),
    ]);
    await settled();
    await rows.getByRole('button', { name: 'CreateKey' }).first().waitFor();
    assert.deepEqual([...new Set(await rows.getByRole('button').allTextContents())], ['CreateKey'], 'the filter keeps only CreateKey');
    await rows.getByRole('button', { name: 'CreateKey' }).first().click();
    const json = await page.getByLabel('Event JSON').textContent();
    assert.match(json ?? '', /"eventName": "CreateKey"/);
    assert.ok(json?.includes(keyId), 'the event names the key created in the console');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await capture('trail');
    await nav('Overview');
    await page.getByRole('table', { name: 'Latest events' }).getByRole('row').nth(1).waitFor();
    await capture('overview');
  });

  await t.test('IAM: a user, and an access key whose secret is shown once and works', { skip: !available('iam') && 'IAM is not available' }, async () => {
    await new IAMClient(sdkConfig()).send(new CreateUserCommand({ UserName: 'console-limited' }));
    await nav('IAM');
    await page.getByRole('link', { name: 'console-limited' }).click();
    await page.getByRole('heading', { name: 'console-limited' }).waitFor();
    await page.getByRole('button', { name: 'Create access key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Access key created' });
    const id = await dialog.getByLabel('Access key ID').inputValue();
    const secret = await dialog.getByLabel('Secret access key').inputValue();
    const who = await new STSClient(sdkConfig({ accessKeyId: id, secretAccessKey: secret })).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:iam::${account}:user/console-limited`);
    await dialog.getByRole('button', { name: 'I have stored the secret' }).click();
    await page.getByRole('cell', { name: id }).waitFor();
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is gone once the dialog closes');
    limitedKey = { id, secret };

    // IAM's own verdict on a policy it cannot parse, then a valid inline policy saved.
    const iamRoot = new IAMClient(sdkConfig());
    const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 'iam:GetUser', Resource: '*' }] });
    const verdict = await iamRoot.send(new PutUserPolicyCommand({ UserName: 'console-limited', PolicyName: 'probe', PolicyDocument: bad })).then(() => undefined, (err: Error) => err);
    assert.ok(verdict, 'IAM refuses an Effect that is neither Allow nor Deny');
    const inline = page.locator('section', { has: page.getByRole('heading', { name: 'Inline policies' }) });
    await inline.getByRole('button', { name: 'Add inline policy' }).click();
    await inline.getByLabel('Policy name').fill('read-self');
    await inline.getByLabel('Policy document').fill(bad);
    await inline.getByRole('button', { name: 'Save' }).click();
    // The console shows the code AWS sent (the SDK's error class adds "Exception" to some).
    await inline.getByRole('alert').getByText((verdict as Error & { Code?: string }).Code ?? verdict.name, { exact: true }).first().waitFor();
    await inline.getByRole('alert').getByText(verdict.message).waitFor();
    const good = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${account}:user/console-limited` }] };
    await inline.getByLabel('Policy document').fill(JSON.stringify(good));
    await inline.getByRole('button', { name: 'Save' }).click();
    await inline.getByText('read-self', { exact: true }).waitFor();
    const saved = await iamRoot.send(new GetUserPolicyCommand({ UserName: 'console-limited', PolicyName: 'read-self' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(saved.PolicyDocument!)), good);
    await capture('iam-user');
    await nav('IAM');
    await page.getByRole('link', { name: 'console-limited' }).waitFor();
    await capture('iam');
  });

  await t.test('schedule the key\'s deletion with a window, then cancel it', async () => {
    await page.goto(consoleUrl(`keys/${keyId}`));
    await page.getByRole('button', { name: 'Schedule deletion' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule key deletion' });
    await dialog.getByLabel('Waiting period (days)').fill('7');
    await dialog.getByRole('button', { name: 'Schedule deletion' }).click();
    const general = page.locator('section', { has: page.getByRole('heading', { name: 'General' }) });
    await general.getByText('PendingDeletion', { exact: true }).waitFor();
    const pending = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    assert.equal(pending.KeyState, 'PendingDeletion');
    const days = (pending.DeletionDate!.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6 && days <= 7.01, `deletion in ${days} days`);
    await page.getByRole('button', { name: 'Cancel deletion' }).click();
    // AWS leaves a key whose deletion was cancelled disabled.
    await general.getByText('Disabled', { exact: true }).waitFor();
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'Disabled');
  });

  await t.test('at phone width the menu button opens the navigation; Escape closes dialogs', async () => {
    await page.setViewportSize(VIEWPORTS.phone);
    try {
      const menu = page.getByRole('button', { name: 'Menu' });
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false);
      await menu.click();
      await nav('Keys');
      await page.getByRole('heading', { name: 'KMS keys' }).waitFor();
      // The menu closes after navigating: awaited, as it may close a render after the page shows.
      await page.getByRole('button', { name: 'Menu', expanded: false }).waitFor();
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByRole('dialog', { name: 'Create KMS key' }).waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'Create KMS key' }).waitFor({ state: 'hidden' });
    } finally {
      await page.setViewportSize(VIEWPORTS.desktop);
    }
  });

  await t.test('a user without permissions, signed in with STS temporary credentials, sees AccessDenied naming the action', { skip: !limitedKey && 'needs the IAM user' }, async () => {
    await ui.signOut();
    assert.equal(await page.evaluate('sessionStorage.length'), 0, 'signing out forgets the keys');
    // Temporary credentials this time: the user's own session token from STS.
    const temporary = (await new STSClient(sdkConfig({ accessKeyId: limitedKey!.id, secretAccessKey: limitedKey!.secret })).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!;
    await signIn(temporary.AccessKeyId!, temporary.SecretAccessKey!, temporary.SessionToken!);
    await page.getByText(`arn:aws:iam::${account}:user/console-limited`).first().waitFor();
    assert.ok((await page.evaluate<string>('JSON.stringify({ ...sessionStorage })')).includes(temporary.AccessKeyId!));

    const limited = sdkConfig({ accessKeyId: temporary.AccessKeyId!, secretAccessKey: temporary.SecretAccessKey!, sessionToken: temporary.SessionToken! });
    const refused = await new KMSClient(limited).send(new ListKeysCommand({})).then(() => undefined, (err: Error) => err);
    assert.ok(refused, 'the SDK is refused too');
    assert.equal(refused.name, 'AccessDeniedException');
    await nav('Keys');
    const alert = page.getByRole('alert');
    await alert.getByText('Access denied', { exact: true }).waitFor();
    assert.equal((await alert.locator('code.action').textContent())?.trim(), 'kms:ListKeys');
    await alert.getByText(refused.message).waitFor();
    await capture('denied-keys');

    await nav('Buckets');
    await page.getByRole('alert').getByText('Access denied', { exact: true }).waitFor();
    assert.equal((await page.getByRole('alert').locator('code.action').textContent())?.trim(), 's3:ListAllMyBuckets');
  });

  await t.test('the theme toggle overrides the system scheme and is remembered', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
    await page.reload();
    await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
  });

  assert.deepEqual(ui.pageErrors, [], 'no uncaught errors in the page');
});
