import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { run, startServer, type TestServer } from './harness.js';

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/**
 * As the root: a user with an access key and an enabled virtual MFA device (its codes computed
 * here, as an authenticator app does: RFC 6238 with the standard library), and two roles.
 */
const SETUP = `
import boto3, json, sys, base64, hmac, hashlib, struct, time
iam = boto3.client('iam', endpoint_url=sys.argv[1])
def totp(seed, step):
    key = base64.b32decode(seed + '=' * (-len(seed) % 8))
    mac = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    off = mac[-1] & 15
    return '%06d' % ((struct.unpack('>I', mac[off:off + 4])[0] & 0x7fffffff) % 1000000)
user = iam.create_user(UserName='dave')['User']
account = user['Arn'].split(':')[4]
key = iam.create_access_key(UserName='dave')['AccessKey']
device = iam.create_virtual_mfa_device(VirtualMFADeviceName='dave-phone')['VirtualMFADevice']
seed = device['Base32StringSeed'].decode()
now = int(time.time()) // 30
iam.enable_mfa_device(UserName='dave', SerialNumber=device['SerialNumber'], AuthenticationCode1=totp(seed, now - 2), AuthenticationCode2=totp(seed, now - 1))
allow = lambda action, resource='*': json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': action, 'Resource': resource}]})
iam.put_user_policy(UserName='dave', PolicyName='list-users', PolicyDocument=allow('iam:ListUsers'))
trust_dave = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': user['Arn']}, 'Action': 'sts:AssumeRole',
    'Condition': {'StringEquals': {'sts:ExternalId': 'open-sesame'}}}]}
role = iam.create_role(RoleName='reader', Path='/apps/', AssumeRolePolicyDocument=json.dumps(trust_dave))['Role']
iam.attach_role_policy(RoleName='reader', PolicyArn='arn:aws:iam::aws:policy/IAMReadOnlyAccess')
iam.create_role(RoleName='account-wide', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Principal': {'AWS': account}, 'Action': 'sts:AssumeRole'}]}))
erin = iam.create_user(UserName='erin')['User']
erin_key = iam.create_access_key(UserName='erin')['AccessKey']
erin_device = iam.create_virtual_mfa_device(VirtualMFADeviceName='erin-phone')['VirtualMFADevice']
erin_seed = erin_device['Base32StringSeed'].decode()
iam.enable_mfa_device(UserName='erin', SerialNumber=erin_device['SerialNumber'], AuthenticationCode1=totp(erin_seed, now - 2), AuthenticationCode2=totp(erin_seed, now - 1))
iam.create_role(RoleName='mfa-only', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Principal': {'AWS': erin['Arn']}, 'Action': 'sts:AssumeRole', 'Condition': {'Bool': {'aws:MultiFactorAuthPresent': 'true'}}}]}))
devices = iam.list_mfa_devices(UserName='dave')['MFADevices']
print(json.dumps({'account': account, 'userId': user['UserId'], 'userArn': user['Arn'], 'roleArn': role['Arn'], 'roleId': role['RoleId'],
    'key': {'accessKeyId': key['AccessKeyId'], 'secretAccessKey': key['SecretAccessKey']},
    'serial': device['SerialNumber'], 'seed': seed, 'devices': [d['SerialNumber'] for d in devices],
    'erin': {'key': {'accessKeyId': erin_key['AccessKeyId'], 'secretAccessKey': erin_key['SecretAccessKey']}, 'serial': erin_device['SerialNumber'], 'seed': erin_seed}}))
`;

/** As dave: GetSessionToken with the current code, a wrong one, and the same one again. */
const MFA_SESSION = `
import boto3, json, sys, base64, hmac, hashlib, struct, time
from botocore.exceptions import ClientError
sts = boto3.client('sts', endpoint_url=sys.argv[1])
serial, seed = sys.argv[2], sys.argv[3]
def totp(seed, step):
    key = base64.b32decode(seed + '=' * (-len(seed) % 8))
    mac = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    off = mac[-1] & 15
    return '%06d' % ((struct.unpack('>I', mac[off:off + 4])[0] & 0x7fffffff) % 1000000)
def attempt(code):
    try:
        c = sts.get_session_token(SerialNumber=serial, TokenCode=code, DurationSeconds=7200)['Credentials']
        return {'accessKeyId': c['AccessKeyId'], 'secretAccessKey': c['SecretAccessKey'], 'sessionToken': c['SessionToken']}
    except ClientError as e:
        return {'error': e.response['Error']['Code'], 'message': e.response['Error']['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
code = totp(seed, int(time.time()) // 30)
wrong = '%06d' % ((int(code) + 1) % 1000000)
print(json.dumps({'ok': attempt(code), 'wrong': attempt(wrong), 'replayed': attempt(code)}))
`;

describe('STS credentials: IAM users, MFA, session tokens, AssumeRole, expiry', () => {
  let server: TestServer;
  let setup: any;
  /** Whether the server enforces IAM policies (the PolicyAuthorizer is wired). */
  let enforced = false;

  const sts = (c: Creds) => new STSClient({ endpoint: server.url, region: 'us-east-1', credentials: c, maxAttempts: 1 });
  const whoami = (c: Creds) => sts(c).send(new GetCallerIdentityCommand({}));
  const boto = async (script: string, env: Record<string, string>, ...args: string[]) => {
    const r = await run('python3', ['-c', script, server.url, ...args], server.clientEnv(env));
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const asUser = (c: Creds): Record<string, string> => ({
    AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, ...(c.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}),
  });
  const rejects = async (p: Promise<unknown>, name: string, status: number, message: string) => {
    await assert.rejects(p, (err: any) => {
      assert.equal(err.name, name);
      assert.equal(err.$metadata.httpStatusCode, status);
      assert.equal(err.message, message);
      return true;
    });
  };

  before(async () => {
    server = await startServer();
    setup = await boto(SETUP, {});
    const probe = await run('python3', ['-c', `import boto3,sys\nboto3.client('iam', endpoint_url=sys.argv[1]).list_users()`, server.url], server.clientEnv(asUser(setup.key)));
    enforced = probe.code === 0;
  });
  after(() => server.stop());

  it("an IAM user's own access key authenticates as the user", async () => {
    const id = await whoami(setup.key);
    assert.equal(id.Arn, `arn:aws:iam::${setup.account}:user/dave`);
    assert.equal(id.UserId, setup.userId);
    assert.match(id.UserId!, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(id.Account, setup.account);
  });

  it('a deactivated key is refused until it is activated again', async () => {
    const setStatus = (status: string) => run('aws', ['iam', 'update-access-key', '--user-name', 'dave', '--access-key-id', setup.key.accessKeyId,
      '--status', status, '--endpoint-url', server.url], server.clientEnv());
    assert.equal((await setStatus('Inactive')).code, 0);
    await rejects(whoami(setup.key), 'InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
    assert.equal((await setStatus('Active')).code, 0);
    assert.equal((await whoami(setup.key)).Arn, setup.userArn);
  });

  it('a virtual MFA device enabled with two real TOTP codes', () => {
    assert.equal(setup.serial, `arn:aws:iam::${setup.account}:mfa/dave-phone`);
    assert.deepEqual(setup.devices, [setup.serial]);
  });

  let mfaSession: Creds;
  it('GetSessionToken takes a current MFA code once, and refuses a wrong one', async () => {
    const r = await boto(MFA_SESSION, asUser(setup.key), setup.serial, setup.seed);
    assert.match(r.ok.accessKeyId, /^ASIA[A-Z2-7]{16}$/, JSON.stringify(r.ok));
    assert.ok(r.ok.sessionToken.length > 100);
    const message = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
    assert.deepEqual(r.wrong, { error: 'AccessDenied', message, status: 403 });
    assert.deepEqual(r.replayed, { error: 'AccessDenied', message, status: 403 });
    mfaSession = r.ok;
  });

  it('session credentials act as the user, with the token checked on every request', async () => {
    const id = await whoami(mfaSession);
    assert.equal(id.Arn, setup.userArn);
    assert.equal(id.UserId, setup.userId);
    const invalid = 'The security token included in the request is invalid.';
    await rejects(whoami({ ...mfaSession, sessionToken: undefined }), 'InvalidClientTokenId', 403, invalid);
    await rejects(whoami({ ...mfaSession, sessionToken: mfaSession.sessionToken!.slice(0, -4) + 'AAAA' }), 'InvalidClientTokenId', 403, invalid);
    // A long-term key with a session token is as wrong as a temporary key without one.
    await rejects(whoami({ ...setup.key, sessionToken: mfaSession.sessionToken }), 'InvalidClientTokenId', 403, invalid);
  });

  it('AssumeRole as the root is refused as AWS refuses it', async () => {
    const r = await run('aws', ['sts', 'assume-role', '--role-arn', `arn:aws:iam::${setup.account}:role/account-wide`, '--role-session-name', 'root-try',
      '--endpoint-url', server.url], server.clientEnv());
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied.*Roles may not be assumed by root accounts\./);
  });

  let roleSession: Creds;
  it('AssumeRole within the trust policy: sts:ExternalId enforced, assumed-role identity, role permissions', async (t) => {
    if (!enforced) return t.skip('the server does not enforce IAM policies yet (PolicyAuthorizer not wired)');
    const script = `
import boto3, json, sys
from botocore.exceptions import ClientError
sts = boto3.client('sts', endpoint_url=sys.argv[1])
def attempt(**kw):
    try:
        r = sts.assume_role(RoleArn=sys.argv[2], RoleSessionName='build-42', **kw)
        c = r['Credentials']
        return {'user': r['AssumedRoleUser'], 'accessKeyId': c['AccessKeyId'], 'secretAccessKey': c['SecretAccessKey'], 'sessionToken': c['SessionToken']}
    except ClientError as e:
        return {'error': e.response['Error']['Code'], 'message': e.response['Error']['Message']}
print(json.dumps({'none': attempt(), 'wrong': attempt(ExternalId='nope'), 'long': attempt(ExternalId='open-sesame', DurationSeconds=7200),
    'tagged': attempt(ExternalId='open-sesame', Tags=[{'Key': 'project', 'Value': 'x'}]), 'ok': attempt(ExternalId='open-sesame')}))
`;
    const r = await boto(script, asUser(setup.key), setup.roleArn);
    assert.equal(r.none.error, 'AccessDenied');
    assert.equal(r.wrong.error, 'AccessDenied');
    assert.match(r.wrong.message, /is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\d{12}:role\/apps\/reader/);
    assert.deepEqual(r.long, { error: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
    // Session tags also need sts:TagSession, which this trust policy doesn't grant.
    assert.equal(r.tagged.error, 'AccessDenied');
    assert.deepEqual(r.ok.user, { AssumedRoleId: `${setup.roleId}:build-42`, Arn: `arn:aws:sts::${setup.account}:assumed-role/reader/build-42` });
    roleSession = r.ok;
    const id = await whoami(roleSession);
    assert.equal(id.Arn, `arn:aws:sts::${setup.account}:assumed-role/reader/build-42`);
    assert.equal(id.UserId, `${setup.roleId}:build-42`);
    // The role holds IAMReadOnlyAccess: reads are allowed, writes are not.
    const iam = (args: string[]) => run('aws', ['iam', ...args, '--endpoint-url', server.url], server.clientEnv(asUser(roleSession)));
    assert.equal((await iam(['list-users'])).code, 0);
    const write = await iam(['create-user', '--user-name', 'intruder']);
    assert.notEqual(write.code, 0);
    assert.match(write.stderr, /AccessDenied/);
  });

  it('a trust policy requiring MFA admits a caller who presents a current code with AssumeRole', async (t) => {
    if (!enforced) return t.skip('the server does not enforce IAM policies yet (PolicyAuthorizer not wired)');
    const script = `
import boto3, json, sys, base64, hmac, hashlib, struct, time
from botocore.exceptions import ClientError
sts = boto3.client('sts', endpoint_url=sys.argv[1])
def totp(seed, step):
    key = base64.b32decode(seed + '=' * (-len(seed) % 8))
    mac = hmac.new(key, struct.pack('>Q', step), hashlib.sha1).digest()
    off = mac[-1] & 15
    return '%06d' % ((struct.unpack('>I', mac[off:off + 4])[0] & 0x7fffffff) % 1000000)
def attempt(**kw):
    try:
        return sts.assume_role(RoleArn=sys.argv[2], RoleSessionName='with-mfa', **kw)['AssumedRoleUser']['Arn']
    except ClientError as e:
        return e.response['Error']['Code']
print(json.dumps({'without': attempt(), 'with': attempt(SerialNumber=sys.argv[3], TokenCode=totp(sys.argv[4], int(time.time()) // 30))}))
`;
    const r = await boto(script, asUser(setup.erin.key), `arn:aws:iam::${setup.account}:role/mfa-only`, setup.erin.serial, setup.erin.seed);
    assert.deepEqual(r, { without: 'AccessDenied', with: `arn:aws:sts::${setup.account}:assumed-role/mfa-only/with-mfa` });
  });

  it('a session policy narrows the role session', async (t) => {
    if (!enforced) return t.skip('the server does not enforce IAM policies yet (PolicyAuthorizer not wired)');
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] });
    const script = `
import boto3, json, sys
sts = boto3.client('sts', endpoint_url=sys.argv[1])
r = sts.assume_role(RoleArn=sys.argv[2], RoleSessionName='narrow', ExternalId='open-sesame', Policy=sys.argv[3])
c = r['Credentials']
print(json.dumps({'accessKeyId': c['AccessKeyId'], 'secretAccessKey': c['SecretAccessKey'], 'sessionToken': c['SessionToken'], 'packed': r['PackedPolicySize']}))
`;
    const narrow = await boto(script, asUser(setup.key), setup.roleArn, policy);
    assert.ok(narrow.packed > 0 && narrow.packed <= 100);
    const list = await run('aws', ['iam', 'list-users', '--endpoint-url', server.url], server.clientEnv(asUser(narrow)));
    assert.notEqual(list.code, 0);
    assert.match(list.stderr, /AccessDenied/);
  });

  it('SimulatePrincipalPolicy answers what enforcement does for the same requests', async (t) => {
    if (!enforced) return t.skip('the server does not enforce IAM policies yet (PolicyAuthorizer not wired)');
    const calls: Array<[string, string[]]> = [
      ['iam:ListUsers', ['list-users']],
      ['iam:CreateUser', ['create-user', '--user-name', 'not-allowed']],
      ['iam:ListRoles', ['list-roles']],
      ['iam:GetAccountSummary', ['get-account-summary']],
    ];
    const simulated = await boto(`
import boto3, json, sys
r = boto3.client('iam', endpoint_url=sys.argv[1]).simulate_principal_policy(PolicySourceArn=sys.argv[2], ActionNames=sys.argv[3].split(','))
print(json.dumps([e['EvalDecision'] for e in r['EvaluationResults']]))
`, {}, setup.userArn, calls.map(([action]) => action).join(','));
    const enforcedAnswers: string[] = [];
    for (const [, args] of calls) {
      const r = await run('aws', ['iam', ...args, '--endpoint-url', server.url], server.clientEnv(asUser(setup.key)));
      enforcedAnswers.push(r.code === 0 ? 'allowed' : /AccessDenied/.test(r.stderr) ? 'implicitDeny' : `failed: ${r.stderr}`);
    }
    assert.deepEqual(simulated, enforcedAnswers);
    assert.deepEqual(simulated, ['allowed', 'implicitDeny', 'implicitDeny', 'implicitDeny']);
  });

  it('temporary credentials expire on service time: ExpiredToken in every protocol', async () => {
    const script = `
import boto3, json, sys
c = boto3.client('sts', endpoint_url=sys.argv[1]).get_session_token(DurationSeconds=900)['Credentials']
print(json.dumps({'accessKeyId': c['AccessKeyId'], 'secretAccessKey': c['SecretAccessKey'], 'sessionToken': c['SessionToken']}))
`;
    const short = await boto(script, asUser(setup.key));
    assert.equal((await whoami(short)).Arn, setup.userArn);
    await server.advanceClock(901);
    await rejects(whoami(short), 'ExpiredToken', 403, 'The security token included in the request is expired');
    const kms = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: short, maxAttempts: 1 });
    await rejects(kms.send(new ListKeysCommand({})), 'ExpiredTokenException', 400, 'The security token included in the request is expired');
    const s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', credentials: short, forcePathStyle: true, maxAttempts: 1 });
    await rejects(s3.send(new ListBucketsCommand({})), 'ExpiredToken', 400, 'The provided token has expired.');
    // The two-hour MFA session is still good after 15 minutes, and gone after two hours.
    assert.equal((await whoami(mfaSession)).Arn, setup.userArn);
    await server.advanceClock(7200);
    await rejects(whoami(mfaSession), 'ExpiredToken', 403, 'The security token included in the request is expired');
    if (roleSession) await rejects(whoami(roleSession), 'ExpiredToken', 403, 'The security token included in the request is expired');
    // The long-term key is unaffected.
    assert.equal((await whoami(setup.key)).Arn, setup.userArn);
  });

  it('never logs secrets or session tokens', () => {
    for (const secret of [setup.key.secretAccessKey, mfaSession.secretAccessKey, mfaSession.sessionToken!]) {
      assert.ok(!server.output().includes(secret));
    }
  });
});
