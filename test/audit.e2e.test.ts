/**
 * `coffer audit` as a real process against a real server, as a least-privilege auditor (an IAM user
 * in a group holding SecurityAudit): an account built through the API with known faults reports
 * exactly those FAILs among the checks asserted here; fixing each through the API turns it to
 * PASS. Also: exit codes 3/0/1, a recorded inventory judged again offline, and the HTML report in
 * Debian's chromium with its charts (screenshot kept in test-artifacts/audit/).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  AddUserToGroupCommand, AttachGroupPolicyCommand, CreateAccessKeyCommand, CreateGroupCommand, CreateLoginProfileCommand, CreateUserCommand,
  DeleteAccessKeyCommand, DeleteLoginProfileCommand, IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand, DeletePublicAccessBlockCommand, PutBucketAclCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand, S3Client,
} from '@aws-sdk/client-s3';
import { CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVolumeCommand, DeleteVolumeCommand, DescribeSecurityGroupsCommand,
  EC2Client, EnableEbsEncryptionByDefaultCommand, ModifyInstanceMetadataOptionsCommand, RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand, RunInstancesCommand, TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { chromium } from 'playwright-core';
import { run, startServer, type TestServer } from './harness.js';

const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = process.env.COFFER_TEST_ARTIFACTS ?? join(ROOT, 'test-artifacts', 'audit');
const CHROMIUM = process.env.COFFER_CHROMIUM ?? '/usr/bin/chromium';
const REGION = 'us-east-1';
/** A boot script with a database password in it. */
const DB_SECRET = 'Sup3r-Secret-Database-Pw';
const USER_DATA = `#!/bin/sh\nyum -y install mariadb\nexport DB_PASSWORD=${DB_SECRET}\n`;

/** The checks this test judges the account by, and the resources each must fail on before the fixes. */
const FAULTS: Record<string, string[]> = {
  s3_bucket_public_access: ['audit-public-acl', 'audit-public-policy'],
  s3_bucket_public_list_acl: ['audit-public-acl'],
  s3_bucket_level_public_access_block: ['audit-no-bpa', 'audit-public-acl', 'audit-public-policy'],
  kms_cmk_rotation_enabled: ['<key>'],
  iam_user_mfa_enabled_console_access: ['console-user'],
  iam_rotate_access_key_90_days: ['old-keys'],
  iam_user_accesskey_unused: ['old-keys'],
  ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22: ['<ssh-group>'],
  ec2_ebs_volume_encryption: ['<volume>'],
  ec2_ebs_default_encryption: ['<account>'],
  ec2_instance_imdsv2_enabled: ['<instance>'],
  ec2_instance_secrets_user_data: ['<secret-instance>'],
  ec2_securitygroup_default_restrict_traffic: ['<default-group>'],
  cloudtrail_multi_region_enabled: [`trails in ${REGION}`],
};

interface OcsfRecord { status_code: string; severity: string; metadata: { event_code: string }; resources: Array<{ name: string; uid: string; region: string }>; message: string }

let server: TestServer;
let auditorEnv: NodeJS.ProcessEnv;
let out: string;
const ids: Record<string, string> = {};
const sdk = () => ({ region: REGION, endpoint: server.url, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });

/** Runs `coffer audit` as its own process, as the auditor. */
function audit(args: string[], env: NodeJS.ProcessEnv = auditorEnv) {
  return run(process.execPath, [MAIN, 'audit', ...args], env);
}

/** The audit of us-east-1 with the asserted checks, as OCSF records (stdout), and the files it wrote. */
async function auditFaults(name: string): Promise<{ code: number; records: OcsfRecord[]; stderr: string; dir: string }> {
  const dir = join(out, name);
  const r = await audit(['--endpoint-url', server.url, '-f', REGION, '--checks', ...Object.keys(FAULTS), 's3_account_level_public_access_blocks',
    'iam_no_root_access_key', '-M', 'csv', 'json-ocsf', 'html', 'sarif', '-o', dir, '-F', 'report', '--output', 'json', '--inventory-out', join(dir, 'inventory.json')]);
  assert.equal(r.stderr.includes('coffer audit:'), false, r.stderr);
  return { code: r.code, records: JSON.parse(r.stdout) as OcsfRecord[], stderr: r.stderr, dir };
}

/** check id -> sorted names of the resources with the given status. */
function byCheck(records: OcsfRecord[], status: string): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const r of records) if (r.status_code === status) (map[r.metadata.event_code] ??= []).push(r.resources[0]!.name);
  for (const list of Object.values(map)) list.sort();
  return map;
}

function expectedFaults(): Record<string, string[]> {
  const names: Record<string, string> = {
    '<key>': ids.key!, '<ssh-group>': `ssh-open (${ids.sshGroup})`, '<volume>': ids.volume!, '<account>': ids.account!,
    '<instance>': ids.instance!, '<secret-instance>': ids.secretInstance!, '<default-group>': `default (${ids.defaultGroup})`,
  };
  return Object.fromEntries(Object.entries(FAULTS).map(([check, list]) => [check, list.map((n) => names[n] ?? n).sort()]));
}

before(async () => {
  out = await mkdtemp(join(tmpdir(), 'coffer-audit-'));
  await mkdir(ARTIFACTS, { recursive: true });
  server = await startServer();
  const iam = new IAMClient(sdk());
  // The old key first: then service time moves 91 days on, and everything else is created "now".
  await iam.send(new CreateUserCommand({ UserName: 'old-keys' }));
  ids.oldKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'old-keys' }))).AccessKey!.AccessKeyId!;
  await server.advanceClock(91 * 86_400);

  await iam.send(new CreateGroupCommand({ GroupName: 'auditors' }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'auditors', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit' }));
  await iam.send(new CreateUserCommand({ UserName: 'auditor' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'auditors', UserName: 'auditor' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'auditor' }))).AccessKey!;
  auditorEnv = server.clientEnv({ AWS_ACCESS_KEY_ID: key.AccessKeyId!, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey!, AWS_ENDPOINT_URL: '' });
  delete auditorEnv.AWS_ENDPOINT_URL;
  await iam.send(new CreateUserCommand({ UserName: 'console-user' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'console-user', Password: 'A-long-Passw0rd!-for-the-test' }));

  const s3 = new S3Client({ ...sdk(), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'audit-private' }));
  await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'audit-private', PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }));
  // New buckets have Block Public Access on (AWS's default since April 2023): the faulty buckets
  // have it lifted, as an AWS user would have to.
  await s3.send(new CreateBucketCommand({ Bucket: 'audit-no-bpa' }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'audit-no-bpa' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'audit-public-policy' }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'audit-public-policy' }));
  await s3.send(new PutBucketPolicyCommand({
    Bucket: 'audit-public-policy',
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::audit-public-policy/*' }] }),
  }));
  await s3.send(new CreateBucketCommand({ Bucket: 'audit-public-acl', ObjectOwnership: 'BucketOwnerPreferred' }));
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'audit-public-acl' }));
  await s3.send(new PutBucketAclCommand({ Bucket: 'audit-public-acl', ACL: 'public-read' }));

  ids.key = (await new KMSClient(sdk()).send(new CreateKeyCommand({ Description: 'no rotation' }))).KeyMetadata!.KeyId!;

  const ec2 = new EC2Client(sdk());
  ids.sshGroup = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ssh-open', Description: 'ssh from anywhere' }))).GroupId!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: ids.sshGroup, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }));
  ids.volume = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 8, Encrypted: false }))).VolumeId!;
  // Its root volume encrypted: the unencrypted volume is the one planted above.
  ids.instance = (await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-0abcdef1234567890', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }],
  }))).Instances![0]!.InstanceId!;
  ids.secretInstance = (await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-0abcdef1234567890', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }],
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' }, UserData: Buffer.from(USER_DATA).toString('base64'),
  }))).Instances![0]!.InstanceId!;
  ids.defaultGroup = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups![0]!.GroupId!;
  ids.account = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids.defaultGroup] }))).SecurityGroups![0]!.OwnerId!;
});

after(async () => {
  await server?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('coffer audit against Coffer', () => {
  let first: Awaited<ReturnType<typeof auditFaults>>;

  it('reports exactly the planted faults as FAIL, and exits 3', async () => {
    first = await auditFaults('before');
    assert.equal(first.code, 3, first.stderr);
    const fails = byCheck(first.records, 'FAIL');
    // The root access key the test harness signs with is real: it is reported, and stays.
    assert.deepEqual(fails.iam_no_root_access_key, ['<root_account>']);
    delete fails.iam_no_root_access_key;
    assert.deepEqual(fails, expectedFaults());
    assert.deepEqual(byCheck(first.records, 'ERROR'), {}, 'the auditor could read everything these checks need');
    assert.ok(byCheck(first.records, 'PASS').s3_bucket_public_access?.includes('audit-private'));
  });

  it('records the account-level Block Public Access it cannot read as MANUAL, not as a PASS', () => {
    const manual = first.records.filter((r) => r.status_code === 'MANUAL');
    assert.deepEqual(manual.map((r) => r.metadata.event_code), ['s3_account_level_public_access_blocks']);
    assert.match(manual[0]!.message, /client-s3-control/);
  });

  it('writes the report files Prowler writes, and the inventory', async () => {
    assert.deepEqual((await readdir(first.dir)).sort(), ['inventory.json', 'report.csv', 'report.html', 'report.ocsf.json', 'report.sarif']);
    // The user data secret is reported (kind and line), and copied nowhere.
    const secret = first.records.find((r) => r.metadata.event_code === 'ec2_instance_secrets_user_data' && r.status_code === 'FAIL')!;
    assert.match(secret.message, /Secret Keyword on line 3/);
    for (const file of await readdir(first.dir)) assert.ok(!(await readFile(join(first.dir, file), 'utf8')).includes(DB_SECRET), file);
    const csv = (await readFile(join(first.dir, 'report.csv'), 'utf8')).trimEnd().split('\n');
    assert.equal(csv.length, first.records.length + 1);
    const sarif = JSON.parse(await readFile(join(first.dir, 'report.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
    assert.equal(sarif.runs[0]!.results.length, first.records.filter((r) => r.status_code === 'FAIL').length);
  });

  it('judges a recorded inventory again with no network, to the same findings', async () => {
    const offline = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIAOFFLINEOFFLINE00', AWS_SECRET_ACCESS_KEY: 'x', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const r = await audit(['--inventory-in', join(first.dir, 'inventory.json'), '--endpoint-url', 'http://127.0.0.1:9', '--checks', ...Object.keys(FAULTS),
      's3_account_level_public_access_blocks', 'iam_no_root_access_key', '-M', 'csv', '-o', join(out, 'replay'), '--output', 'json'], offline);
    assert.equal(r.code, 3, r.stderr);
    const strip = (list: OcsfRecord[]) => list.map((x) => `${x.metadata.event_code} ${x.status_code} ${x.resources[0]!.uid}`).sort();
    assert.deepEqual(strip(JSON.parse(r.stdout) as OcsfRecord[]), strip(first.records));
  });

  it('renders the HTML report in chromium with its charts, offline', async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: scripts/setup-test.sh installs Debian's chromium`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requests: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`file://${join(first.dir, 'report.html')}`);
      assert.equal(await page.locator('#chart-severity rect.bar').count(), 5);
      assert.ok(await page.locator('#chart-severity').isVisible());
      const high = await page.locator('#chart-severity rect.sev-high').getAttribute('width');
      assert.ok(Number(high) > 0, 'the high-severity bar has a length');
      assert.ok((await page.locator('#chart-service rect.status-FAIL').count()) >= 4, 'a FAIL segment per service with failures');
      assert.equal(await page.locator('#count-FAIL').textContent(), String(first.records.filter((r) => r.status_code === 'FAIL').length));
      // The filters work: only the S3 findings, then a row folds open on its remediation.
      await page.selectOption('#f-service', 's3');
      const visible = await page.locator('tbody.finding:visible').count();
      assert.equal(visible, first.records.filter((r) => r.status_code !== 'PASS' && r.metadata.event_code.startsWith('s3_')).length);
      await page.locator('tbody.finding:visible tr.summary-row').first().click();
      assert.ok(await page.locator('tbody.finding.open tr.detail pre').first().isVisible());
      await page.selectOption('#f-service', '');
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), [], 'no network request');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  it('after each fault is fixed through the API, reports PASS for all of them', async () => {
    const iam = new IAMClient(sdk());
    await iam.send(new CreateAccessKeyCommand({ UserName: 'old-keys' }));
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'old-keys', AccessKeyId: ids.oldKey }));
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'console-user' }));
    const s3 = new S3Client({ ...sdk(), forcePathStyle: true });
    const block = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    for (const Bucket of ['audit-no-bpa', 'audit-public-policy', 'audit-public-acl']) await s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: block }));
    await new KMSClient(sdk()).send(new EnableKeyRotationCommand({ KeyId: ids.key }));
    const ec2 = new EC2Client(sdk());
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: ids.sshGroup, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }));
    await ec2.send(new DeleteVolumeCommand({ VolumeId: ids.volume }));
    await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [ids.secretInstance!] }));
    await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: ids.instance, HttpTokens: 'required', HttpEndpoint: 'enabled' }));
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: ids.defaultGroup, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: ids.defaultGroup }] }] }));
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: ids.defaultGroup, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await s3.send(new CreateBucketCommand({ Bucket: 'audit-trail-logs' }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'audit-trail-logs', PublicAccessBlockConfiguration: block }));
    await s3.send(new PutBucketPolicyCommand({
      Bucket: 'audit-trail-logs',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::audit-trail-logs' },
          {
            Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `arn:aws:s3:::audit-trail-logs/AWSLogs/${ids.account}/*`,
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
        ],
      }),
    }));
    const trails = new CloudTrailClient(sdk());
    await trails.send(new CreateTrailCommand({ Name: 'everywhere', S3BucketName: 'audit-trail-logs', IsMultiRegionTrail: true, EnableLogFileValidation: true }));
    await trails.send(new StartLoggingCommand({ Name: 'everywhere' }));
    // The credential report is rebuilt at most every four hours, as in AWS.
    await server.advanceClock(5 * 3600);

    const fixed = await auditFaults('after');
    const fails = byCheck(fixed.records, 'FAIL');
    assert.deepEqual(Object.keys(fails), ['iam_no_root_access_key'], JSON.stringify(fails));
    assert.equal(fixed.code, 3, 'the root access key still fails');
    const passes = byCheck(fixed.records, 'PASS');
    for (const check of Object.keys(FAULTS)) assert.ok(passes[check]?.length, `${check} passes`);
    assert.deepEqual(byCheck(fixed.records, 'ERROR'), {});
  });
});

describe('coffer audit exit codes and terminal output', () => {
  it('exits 0 when nothing at or above the threshold fails, or with -z', async () => {
    const fine = await audit(['--endpoint-url', server.url, '-f', REGION, '--checks', 'kms_cmk_rotation_enabled', '-M', 'csv', '-o', join(out, 'zero')]);
    assert.equal(fine.code, 0, fine.stderr);
    assert.match(fine.stdout, /Coffer audit · account \d{12} · 1 Region · 1 checks/);
    assert.match(fine.stdout, /No FAIL\/ERROR\/MANUAL findings\./);
    const rootKey = ['--endpoint-url', server.url, '-f', REGION, '--checks', 'iam_no_root_access_key', '-M', 'csv', '-o', join(out, 'z')];
    assert.equal((await audit(rootKey)).code, 3);
    assert.equal((await audit([...rootKey, '-z'])).code, 0);
    // iam_password_policy_lowercase is low: below a high threshold it does not fail the run.
    const low = await audit(['--endpoint-url', server.url, '-f', REGION, '--checks', 'iam_password_policy_lowercase', '--fail-on-severity', 'high', '-M', 'csv', '-o', join(out, 'low')]);
    assert.equal(low.code, 0, low.stderr);
    assert.match(low.stdout, /FAIL\s+global password-policy · Password policy cannot be found\./);
  });

  it('judges every CIS v3.0 control with --compliance cis_3.0_aws, manual ones included', async () => {
    const dir = join(out, 'cis');
    const r = await audit(['--endpoint-url', server.url, '-f', REGION, '--compliance', 'cis_3.0_aws', '-M', 'csv', '-o', dir, '-F', 'cis']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /CIS AWS Foundations Benchmark v3\.0\.0\n/);
    assert.match(r.stdout, /\n {2}4\.3 +MANUAL +L1 Ensure a log metric filter and alarm exist for usage of 'root' account/);
    assert.match(r.stdout, /\n {2}1\.4 +FAIL /);
    const rows = (await readFile(join(dir, 'compliance', 'cis_cis_3.0_aws.csv'), 'utf8')).trimEnd().split('\n');
    assert.equal(rows.length, 63);
  });

  it('honours AWS_ENDPOINT_URL, as the SDK does, with no --endpoint-url', async () => {
    const r = await audit(['-f', REGION, '--services', 'kms', '-M', 'csv', '-o', join(out, 'env'), '--output', 'json'], { ...auditorEnv, AWS_ENDPOINT_URL: server.url });
    assert.equal(r.code, 0, r.stderr);
    const records = JSON.parse(r.stdout) as OcsfRecord[];
    assert.ok(records.some((x) => x.resources[0]!.name === ids.key && x.status_code === 'PASS'));
  });

  it('exits 1, saying why, when the caller cannot be identified or the options are wrong', async () => {
    const bad = await audit(['--endpoint-url', server.url, '-f', REGION, '-M', 'csv', '-o', join(out, 'bad')],
      { ...auditorEnv, AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNUNKNOWN00', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-not-a-real-secret' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /coffer audit: cannot identify the caller \(STS GetCallerIdentity\): InvalidClientTokenId/);
    assert.ok(!bad.stderr.includes('not-a-real-secret'));
    const unknown = await audit(['--checks', 'iam_no_such_check']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown check: iam_no_such_check/);
  });
});
