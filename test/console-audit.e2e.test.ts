// The console's Audit page, IAM roles, groups and MFA, and a multipart upload, in a real browser
// (Debian's chromium through playwright-core) against a real server. The audit runs in the page
// with the signed-in identity's credentials, through the very collectors and checks of
// `coffer audit`, and is compared with the CLI's own run. Screenshots: test-artifacts/console/.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  CreateAccessKeyCommand, CreateLoginProfileCommand, CreateUserCommand, GetGroupCommand, GetRoleCommand, IAMClient, ListMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand, DeletePublicAccessBlockCommand, GetObjectCommand, HeadObjectCommand, PutBucketPolicyCommand, S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Page } from 'playwright-core';
import { ConsoleBrowser, ROOT } from './console-browser.js';
import { run, startServer, type TestServer } from './harness.js';

let server: TestServer;
let ui: ConsoleBrowser;
let page: Page;
let account: string;
const suffix = randomBytes(3).toString('hex');

function sdkConfig(credentials: { accessKeyId: string; secretAccessKey: string } = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey }) {
  return { region: server.region, endpoint: server.url, credentials };
}

before(async () => {
  server = await startServer();
  account = (await new STSClient(sdkConfig()).send(new GetCallerIdentityCommand({}))).Account!;
  ui = await ConsoleBrowser.launch(server);
  page = ui.page;
});

after(async () => {
  await ui?.close();
  await server?.stop();
});

/** RFC 4648 base32 (the virtual MFA seed as IAM hands it out). */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** The RFC 6238 TOTP code (HMAC-SHA1, 30 s steps, 6 digits) of `step`, as an authenticator app computes it. */
function totp(seed: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', seed).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** The findings table's rows as `title | resource` lines, sorted. */
async function tableFindings(): Promise<string[]> {
  const rows = page.getByRole('table', { name: 'Findings' }).locator('tbody tr');
  const lines: string[] = [];
  for (const row of await rows.all()) {
    const title = (await row.locator('td[data-label="Check"]').textContent())?.trim();
    const resource = (await row.locator('td[data-label="Resource"]').textContent())?.trim();
    lines.push(`${title} | ${resource}`);
  }
  return lines.sort();
}

/** Runs an audit from the page and waits for its findings (a new run's finish time on the summary). */
async function runAuditInPage(): Promise<void> {
  const score = page.getByTestId('audit-score');
  const before = (await score.count()) > 0 ? await score.getAttribute('data-finished') : null;
  await page.getByRole('button', { name: /^Run (audit|again)$/ }).click();
  await page.waitForFunction((previous) => {
    const el = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } }).document.querySelector('[data-testid="audit-score"]');
    return el !== null && el.getAttribute('data-finished') !== previous;
  }, before, { timeout: 60_000 });
  await page.getByRole('heading', { name: 'Findings', exact: true }).waitFor();
}

async function filter(name: 'Status' | 'Severity' | 'Service', value: string): Promise<void> {
  await page.getByRole('region', { name: 'Findings' }).getByLabel(name, { exact: true }).selectOption(value);
}

test('the console: roles, groups, an audit in the browser, MFA, a multipart upload, a limited user', async (t) => {
  const iam = new IAMClient(sdkConfig());
  const s3 = new S3Client({ ...sdkConfig(), forcePathStyle: true });
  const publicBucket = `audit-public-${suffix}`;
  const consoleUser = `console-user-${suffix}`;

  await t.test('sign in as the account root', async () => {
    await ui.signIn(server.accessKeyId, server.secretAccessKey);
    await page.getByText(`arn:aws:iam::${account}:root`).first().waitFor();
  });

  await t.test('IAM roles: create a role with a trust policy', async () => {
    await ui.nav('IAM');
    await page.getByRole('tab', { name: 'Roles' }).click();
    await page.getByRole('button', { name: 'Create role' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create role' });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await dialog.getByLabel('Role name').fill(`console-role-${suffix}`);
    await dialog.getByLabel('Description').fill('Made in the console');
    await dialog.getByLabel('Trust policy (who may assume the role)').fill(JSON.stringify(trust));
    await dialog.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('heading', { name: `console-role-${suffix}` }).waitFor();
    const role = (await iam.send(new GetRoleCommand({ RoleName: `console-role-${suffix}` }))).Role!;
    assert.equal(role.Description, 'Made in the console');
    assert.deepEqual(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)), trust);
    assert.match(await page.getByLabel('Trust policy document').inputValue(), /ec2\.amazonaws\.com/);
    await ui.capture('iam-role');
  });

  await t.test('IAM groups: create a group and add a user to it', async () => {
    // A user with a console password and no MFA: the audit below must flag it.
    await iam.send(new CreateUserCommand({ UserName: consoleUser }));
    await iam.send(new CreateLoginProfileCommand({ UserName: consoleUser, Password: `Pw-${randomBytes(12).toString('base64url')}!1a` }));
    await ui.nav('IAM');
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByLabel('New group name').fill(`auditors-${suffix}`);
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: `auditors-${suffix}` }).waitFor();
    await page.getByText('No members.', { exact: false }).waitFor();

    await page.goto(ui.url(`iam/users/${consoleUser}`));
    const groups = page.getByRole('region', { name: 'Groups' });
    const picker = groups.getByLabel('Add to group');
    await picker.locator('option', { hasText: `auditors-${suffix}` }).waitFor({ state: 'attached' });
    await picker.selectOption(`auditors-${suffix}`);
    await groups.getByRole('button', { name: 'Add', exact: true }).click();
    await groups.getByRole('link', { name: `auditors-${suffix}` }).click();
    await page.getByRole('region', { name: 'Members' }).getByRole('link', { name: consoleUser }).waitFor();
    const group = await iam.send(new GetGroupCommand({ GroupName: `auditors-${suffix}` }));
    assert.deepEqual(group.Users?.map((u) => u.UserName), [consoleUser]);
    await ui.capture('iam-group');
  });

  await t.test('an audit in the browser finds a public bucket and a console user without MFA, like `coffer audit`', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: publicBucket }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: publicBucket }));
    await s3.send(new PutBucketPolicyCommand({
      Bucket: publicBucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${publicBucket}/*` }] }),
    }));

    await ui.nav('Audit');
    await page.getByTestId('audit-state').getByRole('heading', { name: 'No audit yet' }).waitFor();
    await runAuditInPage();
    await page.getByRole('img', { name: 'Results by severity' }).waitFor();

    // The same checks over the same account from the CLI: the FAIL findings must be the same.
    const out = await mkdtemp(join(tmpdir(), 'coffer-console-audit-'));
    try {
      const cli = await run('node', [join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'audit', '--endpoint-url', server.url, '-f', server.region, '--output', 'json-ocsf', '-M', 'csv', '-o', out, '-z'], server.clientEnv());
      assert.equal(cli.code, 0, cli.stderr);
      const ocsf = JSON.parse(cli.stdout) as Array<{ status_code: string; finding_info: { title: string }; resources: Array<{ name: string }> }>;
      const expected = ocsf.filter((f) => f.status_code === 'FAIL').map((f) => `${f.finding_info.title} | ${f.resources[0]!.name}`).sort();
      assert.ok(expected.length > 0);
      assert.deepEqual(await tableFindings(), expected, 'the page lists the FAIL findings the CLI reports');
    } finally {
      await rm(out, { recursive: true, force: true });
    }

    await filter('Service', 's3');
    await filter('Severity', 'critical');
    const row = page.getByRole('table', { name: 'Findings' }).getByRole('row').filter({ hasText: publicBucket }).filter({ hasText: 'public access due to bucket policy' });
    await row.getByText('FAIL', { exact: true }).waitFor();
    await row.getByText('critical', { exact: true }).waitFor();
    await ui.capture('audit');
    await row.getByRole('button', { name: /S3 bucket is not publicly accessible/ }).click();
    const details = page.getByRole('dialog', { name: 'S3 bucket is not publicly accessible to Everyone or Authenticated Users' });
    await details.getByTestId('remediation').getByText('Remove public ACL grants and public policy statements, and turn on Block Public Access.').waitFor();
    await details.getByLabel('Remediation command').getByText(/put-public-access-block/).waitFor();
    await details.getByText('s3_bucket_public_access').waitFor();
    await ui.capture('audit-finding');
    await page.keyboard.press('Escape');

    await filter('Service', 'iam');
    await filter('Severity', '');
    await page.getByRole('table', { name: 'Findings' }).getByRole('row').filter({ hasText: `User ${consoleUser} has Console Password enabled but MFA disabled.` }).getByText('FAIL', { exact: true }).waitFor();

    // The Overview shows the score by severity of this audit.
    await ui.nav('Overview');
    const score = page.getByTestId('overview-audit-score');
    const critical = score.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'critical' }) });
    assert.ok(Number(await critical.locator('td[data-label="FAIL"]').textContent()) >= 1, 'the public bucket counts as a critical FAIL');
    await ui.capture('overview-audit');
  });

  await t.test('MFA: enable a virtual MFA device with two TOTP codes; the next audit passes the user', async () => {
    await page.goto(ui.url(`iam/users/${consoleUser}`));
    const mfa = page.getByRole('region', { name: 'MFA devices' });
    await mfa.getByText('No MFA device assigned.').waitFor();
    await mfa.getByRole('button', { name: 'Assign virtual MFA device' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign virtual MFA device' });
    // Coffer returns the seed, not a QR code: the seed is what is typed into an authenticator app.
    const seedText = await dialog.getByLabel('Secret key (Base32)').inputValue();
    assert.match(seedText, /^[A-Z2-7]{32,}=*$/);
    const seed = base32Decode(seedText);
    // Two consecutive codes, the later one the current step (IAM accepts codes from the past few steps).
    const step = Math.floor(Date.now() / 30_000);
    await dialog.getByLabel('First code').fill(totp(seed, step - 1));
    await dialog.getByLabel('Second (next) code').fill(totp(seed, step));
    await ui.capture('iam-mfa-assign');
    await dialog.getByRole('button', { name: 'Enable MFA' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const devices = (await iam.send(new ListMFADevicesCommand({ UserName: consoleUser }))).MFADevices ?? [];
    assert.equal(devices.length, 1);
    await mfa.getByRole('cell', { name: devices[0]!.SerialNumber! }).waitFor();
    await ui.capture('iam-user-mfa');

    // IAM regenerates the credential report once the last one is four hours old.
    await server.advanceClock(4 * 3600 + 60);
    await ui.nav('Audit');
    await runAuditInPage();
    await filter('Status', 'PASS');
    await filter('Service', 'iam');
    await page.getByRole('table', { name: 'Findings' }).getByRole('row').filter({ hasText: `User ${consoleUser} has Console Password enabled and MFA enabled.` }).waitFor();
  });

  await t.test('a file above the multipart threshold goes up in parts with SSE-KMS and lands intact', async () => {
    const kms = new KMSClient(sdkConfig());
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'console upload key' }))).KeyMetadata!.KeyId!;
    await kms.send(new CreateAliasCommand({ AliasName: `alias/console-upload-${suffix}`, TargetKeyId: keyId }));
    const bucket = `console-upload-${suffix}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // The console's threshold is 16 MiB with 8 MiB parts: 17 MiB and a bit make three parts.
    const body = randomBytes(17 * 1024 * 1024 + 12_345);
    const digest = createHash('sha256').update(body).digest('hex');

    await page.goto(ui.url(`buckets/${bucket}`));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const panel = page.locator('section', { has: page.getByRole('heading', { name: `Upload to ${bucket}/` }) });
    await panel.locator('input[type=file]').setInputFiles({ name: 'large.bin', mimeType: 'application/octet-stream', buffer: body });
    await panel.getByLabel('Encryption').selectOption('aws:kms');
    const picker = panel.getByLabel('KMS key', { exact: true });
    await picker.locator('option', { hasText: `alias/console-upload-${suffix}` }).waitFor({ state: 'attached' });
    await picker.selectOption({ label: `alias/console-upload-${suffix} (${keyId})` });
    await panel.getByRole('button', { name: 'Upload', exact: true }).click();
    await panel.getByText('done', { exact: true }).waitFor({ timeout: 60_000 });

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'large.bin' }));
    assert.equal(head.ContentLength, body.length);
    assert.match(head.ETag ?? '', /-3"$/, 'a three-part multipart upload');
    assert.equal(head.ServerSideEncryption, 'aws:kms');
    assert.match(head.SSEKMSKeyId ?? '', new RegExp(keyId));
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'large.bin' }));
    const hash = createHash('sha256');
    for await (const chunk of stored.Body as AsyncIterable<Buffer>) hash.update(chunk);
    assert.equal(hash.digest('hex'), digest, 'the object is the file, byte for byte');

    await page.getByRole('link', { name: 'large.bin' }).click();
    assert.equal((await page.getByTestId('object-sse').textContent())?.trim(), 'SSE-KMS (aws:kms)');
    await page.getByRole('link', { name: head.SSEKMSKeyId! }).waitFor();
    await ui.capture('object-large');
  });

  await t.test('a user without permissions sees AccessDenied, and their audit reports what it could not read', async () => {
    await iam.send(new CreateUserCommand({ UserName: `limited-${suffix}` }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: `limited-${suffix}` }))).AccessKey!;
    await ui.signOut();
    await ui.signIn(key.AccessKeyId!, key.SecretAccessKey!);
    await ui.nav('Keys');
    const alert = page.getByRole('alert');
    await alert.getByText('Access denied', { exact: true }).waitFor();
    assert.equal((await alert.locator('code.action').textContent())?.trim(), 'kms:ListKeys');

    await ui.nav('Audit');
    await runAuditInPage();
    await page.getByTestId('audit-denied').getByText(/could not be checked because this identity was refused a read/).waitFor();
    await filter('Status', 'ERROR');
    await filter('Service', 'iam');
    const rows = page.getByRole('table', { name: 'Findings' }).getByRole('row').filter({ hasText: /Could not be checked: \w+ failed: AccessDenied/ });
    await rows.first().waitFor();
    await ui.capture('audit-denied');
  });

  assert.deepEqual(ui.pageErrors, [], 'no uncaught errors in the page');
});
