import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AWS_CLIS, PYTHONS, run, startServer, type TestServer } from './harness.js';
import { seed001Iam } from './seed-001-snippets.js';

/**
 * Runs before the snippet: `json` (which the snippet uses), the endpoint for Debian's boto3 1.26
 * (which ignores AWS_ENDPOINT_URL), and the user the snippet attaches its policy to.
 */
const SEED_PRELUDE = `
import json, os, boto3, functools
if tuple(int(x) for x in boto3.__version__.split('.')[:2]) < (1, 28):
    boto3.client = functools.partial(boto3.client, endpoint_url=os.environ['AWS_ENDPOINT_URL'])
boto3.client('iam').create_user(UserName='my-user')
`;

/** After the snippet: what IAM now says, then a clean-up so the next Python starts afresh. */
const SEED_EPILOGUE = `
iam = boto3.client('iam')
arn = response['Policy']['Arn']
attached = iam.list_attached_user_policies(UserName='my-user')['AttachedPolicies']
version = iam.get_policy_version(PolicyArn=arn, VersionId='v1')['PolicyVersion']
policy = iam.get_policy(PolicyArn=arn)['Policy']
print(json.dumps({'arn': arn, 'attached': attached, 'document': version['Document'], 'attachments': policy['AttachmentCount']}))
iam.detach_user_policy(UserName='my-user', PolicyArn=arn)
iam.delete_policy(PolicyArn=arn)
iam.delete_user(UserName='my-user')
`;

/**
 * IAM behaviour through boto3: each step records its result or AWS's error (code, status,
 * message), so one process covers many calls and the assertions stay in TypeScript.
 */
const BEHAVIOUR = `
import boto3, json, sys, base64
from botocore.exceptions import ClientError
iam = boto3.client('iam', endpoint_url=sys.argv[1])
out = {}
def step(name, fn):
    try:
        out[name] = fn()
    except ClientError as e:
        out[name] = {'error': e.response['Error']['Code'], 'message': e.response['Error'].get('Message', ''), 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
doc = lambda action: json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': action, 'Resource': '*'}]})
trust = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})

# users, paths, tags, rename
step('create_user', lambda: iam.create_user(UserName='carol', Path='/team/', Tags=[{'Key': 'dept', 'Value': 'eng'}])['User'])
step('duplicate_user_other_case', lambda: iam.create_user(UserName='CAROL'))
step('get_user', lambda: iam.get_user(UserName='carol')['User'])
step('list_users_prefix', lambda: [u['UserName'] for u in iam.list_users(PathPrefix='/team/')['Users']])
step('update_user', lambda: iam.update_user(UserName='carol', NewUserName='caroline', NewPath='/ops/') and iam.get_user(UserName='caroline')['User'])
step('get_old_name', lambda: iam.get_user(UserName='carol'))
step('user_tags', lambda: iam.list_user_tags(UserName='caroline')['Tags'])

# groups
step('create_group', lambda: iam.create_group(GroupName='devs')['Group'])
step('add_member', lambda: iam.add_user_to_group(GroupName='devs', UserName='caroline'))
step('group_members', lambda: [u['UserName'] for u in iam.get_group(GroupName='devs')['Users']])
step('groups_for_user', lambda: [g['GroupName'] for g in iam.list_groups_for_user(UserName='caroline')['Groups']])
step('delete_group_with_member', lambda: iam.delete_group(GroupName='devs'))
step('remove_unknown_user', lambda: iam.remove_user_from_group(GroupName='nogroup', UserName='nobody'))

# managed policies and versions
step('create_policy', lambda: iam.create_policy(PolicyName='reader', Path='/app/', PolicyDocument=doc('s3:GetObject'), Description='reads')['Policy'])
arn = out['create_policy']['Arn']
step('duplicate_policy', lambda: iam.create_policy(PolicyName='reader', PolicyDocument=doc('s3:GetObject')))
step('malformed_policy', lambda: iam.create_policy(PolicyName='bad', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject'}]})))
step('principal_in_identity_policy', lambda: iam.create_policy(PolicyName='bad2', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': '*', 'Action': 's3:GetObject', 'Resource': '*'}]})))
for i in range(2, 6):
    step('version_v%d' % i, lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc('s3:ListBucket'), SetAsDefault=(i == 3))['PolicyVersion'])
step('sixth_version', lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc('s3:ListBucket')))
step('versions', lambda: [(v['VersionId'], v['IsDefaultVersion']) for v in iam.list_policy_versions(PolicyArn=arn)['Versions']])
step('delete_default_version', lambda: iam.delete_policy_version(PolicyArn=arn, VersionId='v3'))
step('delete_v5', lambda: iam.delete_policy_version(PolicyArn=arn, VersionId='v5'))
step('version_after_delete', lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc('s3:PutObject'))['PolicyVersion']['VersionId'])
step('set_default_v1', lambda: iam.set_default_policy_version(PolicyArn=arn, VersionId='v1'))
step('get_policy', lambda: iam.get_policy(PolicyArn=arn)['Policy'])
step('get_v1', lambda: iam.get_policy_version(PolicyArn=arn, VersionId='v1')['PolicyVersion'])
step('get_v9', lambda: iam.get_policy_version(PolicyArn=arn, VersionId='v9'))

# attachments
step('attach_user', lambda: iam.attach_user_policy(UserName='caroline', PolicyArn=arn))
step('attach_group_aws', lambda: iam.attach_group_policy(GroupName='devs', PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess'))
step('attach_missing', lambda: iam.attach_user_policy(UserName='caroline', PolicyArn=arn + 'x'))
step('attached_user', lambda: iam.list_attached_user_policies(UserName='caroline')['AttachedPolicies'])
step('entities', lambda: {k: v for k, v in iam.list_entities_for_policy(PolicyArn=arn).items() if k.startswith('Policy')})
step('policy_count', lambda: iam.get_policy(PolicyArn=arn)['Policy']['AttachmentCount'])
step('delete_attached_policy', lambda: iam.delete_policy(PolicyArn=arn))
step('delete_user_attached', lambda: iam.delete_user(UserName='caroline'))
step('detach_not_attached', lambda: iam.detach_role_policy(RoleName='nosuchrole', PolicyArn=arn))
step('list_local', lambda: [p['PolicyName'] for p in iam.list_policies(Scope='Local')['Policies']])
step('get_aws_policy', lambda: iam.get_policy(PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')['Policy'])
step('get_aws_version', lambda: iam.get_policy_version(PolicyArn='arn:aws:iam::aws:policy/AdministratorAccess', VersionId='v1')['PolicyVersion'])
step('list_aws_attached', lambda: [p['PolicyName'] for p in iam.list_policies(Scope='AWS', OnlyAttached=True)['Policies']])

# inline policies
step('put_inline', lambda: iam.put_user_policy(UserName='caroline', PolicyName='inline1', PolicyDocument=doc('kms:Decrypt')))
step('get_inline', lambda: iam.get_user_policy(UserName='caroline', PolicyName='inline1'))
step('list_inline', lambda: iam.list_user_policies(UserName='caroline')['PolicyNames'])
step('get_missing_inline', lambda: iam.get_user_policy(UserName='caroline', PolicyName='nope'))
step('too_big_inline', lambda: iam.put_user_policy(UserName='caroline', PolicyName='big', PolicyDocument=doc(['s3:GetObject%04d' % n for n in range(200)])))

# roles
step('create_role', lambda: iam.create_role(RoleName='app', AssumeRolePolicyDocument=trust, Description='the app')['Role'])
step('get_role', lambda: iam.get_role(RoleName='app')['Role'])
step('update_role', lambda: iam.update_role(RoleName='app', MaxSessionDuration=7200) and iam.get_role(RoleName='app')['Role']['MaxSessionDuration'])
step('trust_with_resource', lambda: iam.update_assume_role_policy(RoleName='app', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole', 'Resource': '*'}]})))
step('trust_wrong_action', lambda: iam.update_assume_role_policy(RoleName='app', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 's3:GetObject'}]})))
step('trust_bad_json', lambda: iam.update_assume_role_policy(RoleName='app', PolicyDocument='{not json'))
step('trust_unknown_user', lambda: iam.create_role(RoleName='app2', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::%s:user/ghost' % out['get_user']['Arn'].split(':')[4]}, 'Action': 'sts:AssumeRole'}]})))
step('put_role_inline', lambda: iam.put_role_policy(RoleName='app', PolicyName='p', PolicyDocument=doc('s3:*')))
step('delete_role_inline', lambda: iam.delete_role(RoleName='app'))
step('get_missing_role', lambda: iam.get_role(RoleName='ghost'))

# access keys
step('key1', lambda: iam.create_access_key(UserName='caroline')['AccessKey'])
step('key2', lambda: iam.create_access_key(UserName='caroline')['AccessKey']['AccessKeyId'])
step('key3', lambda: iam.create_access_key(UserName='caroline'))
step('deactivate', lambda: iam.update_access_key(UserName='caroline', AccessKeyId=out['key2'], Status='Inactive'))
step('keys', lambda: sorted((k['AccessKeyId'], k['Status']) for k in iam.list_access_keys(UserName='caroline')['AccessKeyMetadata']))
step('last_used', lambda: {k: v for k, v in iam.get_access_key_last_used(AccessKeyId=out['key2']).items() if k != 'ResponseMetadata'})
step('last_used_unknown', lambda: iam.get_access_key_last_used(AccessKeyId='AKIAIOSFODNN7EXAMPLE'))
step('update_unknown_key', lambda: iam.update_access_key(UserName='caroline', AccessKeyId='AKIAIOSFODNN7EXAMPLE', Status='Active'))
step('delete_user_with_keys', lambda: iam.delete_user(UserName='caroline'))

# login profile and password policy
step('weak_password', lambda: iam.create_login_profile(UserName='caroline', Password='short'))
step('login_profile', lambda: iam.create_login_profile(UserName='caroline', Password='Correct-Horse-42', PasswordResetRequired=True)['LoginProfile'])
step('login_profile_again', lambda: iam.create_login_profile(UserName='caroline', Password='Correct-Horse-42'))
step('no_password_policy', lambda: iam.get_account_password_policy())
step('set_password_policy', lambda: iam.update_account_password_policy(MinimumPasswordLength=20, RequireSymbols=True, MaxPasswordAge=90))
step('password_policy', lambda: iam.get_account_password_policy()['PasswordPolicy'])
step('violating_password', lambda: iam.update_login_profile(UserName='caroline', Password='Correct-Horse-42'))
step('delete_password_policy', lambda: iam.delete_account_password_policy())
step('delete_password_policy_again', lambda: iam.delete_account_password_policy())

# MFA devices (codes are exercised in the STS tests)
step('mfa', lambda: iam.create_virtual_mfa_device(VirtualMFADeviceName='carol-phone', Path='/people/'))
step('mfa_again', lambda: iam.create_virtual_mfa_device(VirtualMFADeviceName='carol-phone', Path='/people/'))
step('mfa_unassigned', lambda: [d['SerialNumber'] for d in iam.list_virtual_mfa_devices(AssignmentStatus='Unassigned')['VirtualMFADevices']])
step('mfa_wrong_codes', lambda: iam.enable_mfa_device(UserName='caroline', SerialNumber=out['mfa']['VirtualMFADevice']['SerialNumber'], AuthenticationCode1='000000', AuthenticationCode2='000001'))
step('mfa_delete', lambda: iam.delete_virtual_mfa_device(SerialNumber=out['mfa']['VirtualMFADevice']['SerialNumber']))
out['mfa'] = {'serial': out['mfa']['VirtualMFADevice']['SerialNumber'], 'seed': out['mfa']['VirtualMFADevice']['Base32StringSeed'].decode()}

# account
step('summary', lambda: iam.get_account_summary()['SummaryMap'])
step('alias', lambda: (iam.create_account_alias(AccountAlias='coffer-test'), iam.list_account_aliases()['AccountAliases'])[1])
step('delete_missing_alias', lambda: iam.delete_account_alias(AccountAlias='not-mine'))

# pagination
for n in range(5):
    iam.create_group(GroupName='page-%d' % n)
page1 = iam.list_groups(PathPrefix='/', MaxItems=2)
step('page1', lambda: {'n': len(page1['Groups']), 'truncated': page1['IsTruncated'], 'marker': 'Marker' in page1})
step('paginated', lambda: sum(len(p['Groups']) for p in iam.get_paginator('list_groups').paginate(PaginationConfig={'PageSize': 2})))
step('bad_marker', lambda: iam.list_groups(Marker='bm90LWEtbWFya2Vy'))

# the simulator, answering from the enforcement engine
step('simulate_custom', lambda: [(r['EvalActionName'], r['EvalResourceName'], r['EvalDecision']) for r in iam.simulate_custom_policy(
    PolicyInputList=[json.dumps({'Version': '2012-10-17', 'Statement': [
        {'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': 'arn:aws:s3:::data/*'},
        {'Effect': 'Deny', 'Action': 's3:GetObject', 'Resource': 'arn:aws:s3:::data/secret/*'}]})],
    ActionNames=['s3:GetObject', 's3:PutObject'],
    ResourceArns=['arn:aws:s3:::data/a.txt', 'arn:aws:s3:::data/secret/b.txt'])['EvaluationResults']])
step('simulate_principal', lambda: [(r['EvalActionName'], r['EvalDecision']) for r in iam.simulate_principal_policy(
    PolicySourceArn=out['update_user']['Arn'], ActionNames=['kms:Decrypt', 's3:GetObject', 'iam:ListUsers', 's3:PutObject'])['EvaluationResults']])
print(json.dumps(out, default=str))
`;

describe('IAM through real clients', () => {
  let server: TestServer;
  let out: Record<string, any>;
  let accountId: string;

  before(async () => {
    server = await startServer();
    const r = await run('python3', ['-c', BEHAVIOUR, server.url], server.clientEnv());
    assert.equal(r.code, 0, r.stderr);
    out = JSON.parse(r.stdout);
    accountId = out.create_user.Arn.split(':')[4];
  });
  after(() => server.stop());

  const err = (step: string, code: string, status: number, message?: string | RegExp) => {
    const e = out[step];
    assert.equal(e?.error, code, `${step}: ${JSON.stringify(e)}`);
    assert.equal(e.status, status, step);
    if (typeof message === 'string') assert.equal(e.message, message, step);
    else if (message) assert.match(e.message, message, step);
  };

  for (const python of PYTHONS) {
    it(`seed 001's IAM snippet runs unchanged on boto3 (${python})`, async () => {
      const r = await run(python, ['-c', SEED_PRELUDE + seed001Iam() + SEED_EPILOGUE], server.clientEnv());
      assert.equal(r.code, 0, r.stderr);
      const seen = JSON.parse(r.stdout);
      assert.match(seen.arn, /^arn:aws:iam::\d{12}:policy\/my-policy$/);
      assert.deepEqual(seen.attached, [{ PolicyName: 'my-policy', PolicyArn: seen.arn }]);
      assert.equal(seen.attachments, 1);
      assert.deepEqual(seen.document.Statement.map((s: any) => s.Action), ['kms:Decrypt', 's3:GetObject']);
      assert.equal(seen.document.Statement[1].Resource, 'arn:aws:s3:::my-encrypted-bucket/*');
    });
  }

  it('users: ids, paths, tags, case-insensitive names, rename', () => {
    const u = out.create_user;
    assert.match(u.UserId, /^AIDA[A-Z2-7]{17}$/);
    assert.equal(u.Arn, `arn:aws:iam::${accountId}:user/team/carol`);
    assert.equal(u.Path, '/team/');
    assert.deepEqual(u.Tags, [{ Key: 'dept', Value: 'eng' }]);
    err('duplicate_user_other_case', 'EntityAlreadyExists', 409, 'User with name CAROL already exists.');
    assert.deepEqual(out.list_users_prefix, ['carol']);
    assert.equal(out.update_user.Arn, `arn:aws:iam::${accountId}:user/ops/caroline`);
    assert.equal(out.update_user.UserId, u.UserId);
    err('get_old_name', 'NoSuchEntity', 404, 'The user with name carol cannot be found.');
    assert.deepEqual(out.user_tags, [{ Key: 'dept', Value: 'eng' }]);
  });

  it('groups and membership', () => {
    assert.match(out.create_group.GroupId, /^AGPA[A-Z2-7]{17}$/);
    assert.deepEqual(out.group_members, ['caroline']);
    assert.deepEqual(out.groups_for_user, ['devs']);
    err('delete_group_with_member', 'DeleteConflict', 409, 'Cannot delete entity, must remove users from group first.');
    err('remove_unknown_user', 'NoSuchEntity', 404, 'The user with name nobody cannot be found.');
  });

  it('managed policies: versions up to five, never reused, default version rules', () => {
    const p = out.create_policy;
    assert.match(p.PolicyId, /^ANPA[A-Z2-7]{17}$/);
    assert.equal(p.Arn, `arn:aws:iam::${accountId}:policy/app/reader`);
    assert.equal(p.DefaultVersionId, 'v1');
    err('duplicate_policy', 'EntityAlreadyExists', 409, 'A policy called reader already exists. Duplicate names are not allowed.');
    err('malformed_policy', 'MalformedPolicyDocument', 400, 'Policy statement must contain resources.');
    err('principal_in_identity_policy', 'MalformedPolicyDocument', 400, 'Policy document should not specify a principal.');
    err('sixth_version', 'LimitExceeded', 409, 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
    assert.deepEqual(out.versions, [['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]]);
    err('delete_default_version', 'DeleteConflict', 409, 'Cannot delete the default version of a policy.');
    assert.equal(out.version_after_delete, 'v6');
    assert.equal(out.get_policy.DefaultVersionId, 'v1');
    assert.equal(out.get_policy.Description, 'reads');
    assert.deepEqual(out.get_v1.Document.Statement, [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    err('get_v9', 'NoSuchEntity', 404, `Policy ${p.Arn} version v9 does not exist or is not attachable.`);
  });

  it('attachments, their counts and the conflicts they cause', () => {
    const arn = out.create_policy.Arn;
    err('attach_missing', 'NoSuchEntity', 404, `Policy ${arn}x does not exist or is not attachable.`);
    assert.deepEqual(out.attached_user, [{ PolicyName: 'reader', PolicyArn: arn }]);
    assert.deepEqual(out.entities.PolicyUsers, [{ UserName: 'caroline', UserId: out.create_user.UserId }]);
    assert.deepEqual(out.entities.PolicyGroups, []);
    assert.equal(out.policy_count, 1);
    err('delete_attached_policy', 'DeleteConflict', 409, 'Cannot delete a policy attached to entities.');
    err('delete_user_attached', 'DeleteConflict', 409);
    err('detach_not_attached', 'NoSuchEntity', 404, 'The role with name nosuchrole cannot be found.');
    assert.deepEqual(out.list_local, ['reader']);
    assert.deepEqual(out.list_aws_attached, ['ReadOnlyAccess']);
  });

  // The account of an AWS managed policy's ARN is `aws`: both authorizers still judge that a
  // cross-account resource, so even the root is refused these reads (see the report).
  it('AWS managed policies read with their real documents', () => {
    assert.equal(out.get_aws_policy.PolicyId, 'ANPAILL3HVNFSB6DCOWYQ');
    assert.equal(out.get_aws_policy.AttachmentCount, 1);
    assert.deepEqual(out.get_aws_version.Document, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  });

  it('inline policies and their size quota', () => {
    assert.equal(out.get_inline.UserName, 'caroline');
    assert.deepEqual(out.get_inline.PolicyDocument.Statement[0].Action, 'kms:Decrypt');
    assert.deepEqual(out.list_inline, ['inline1']);
    err('get_missing_inline', 'NoSuchEntity', 404, 'The user policy with name nope cannot be found.');
    err('too_big_inline', 'LimitExceeded', 409, 'Cannot exceed quota for UserPolicySize: 2048');
  });

  it('roles: ids, defaults, trust policy checks', () => {
    const r = out.create_role;
    assert.match(r.RoleId, /^AROA[A-Z2-7]{17}$/);
    assert.equal(r.Arn, `arn:aws:iam::${accountId}:role/app`);
    assert.equal(r.AssumeRolePolicyDocument.Statement[0].Principal.Service, 'ec2.amazonaws.com');
    assert.equal(out.get_role.MaxSessionDuration, 3600);
    assert.deepEqual(out.get_role.RoleLastUsed, {});
    assert.equal(out.update_role, 7200);
    err('trust_with_resource', 'MalformedPolicyDocument', 400, 'Has prohibited field Resource');
    err('trust_wrong_action', 'MalformedPolicyDocument', 400, 'AssumeRole policy may only specify STS AssumeRole actions.');
    err('trust_bad_json', 'MalformedPolicyDocument', 400, 'This policy contains invalid Json');
    err('trust_unknown_user', 'MalformedPolicyDocument', 400, /^Invalid principal in policy: "AWS":"arn:aws:iam::\d{12}:user\/ghost"$/);
    err('delete_role_inline', 'DeleteConflict', 409, 'Cannot delete entity, must delete policies first.');
    err('get_missing_role', 'NoSuchEntity', 404, 'The role with name ghost cannot be found.');
  });

  it('access keys: two per user, status, last use, conflicts', () => {
    assert.match(out.key1.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(out.key1.SecretAccessKey.length, 40);
    assert.equal(out.key1.Status, 'Active');
    err('key3', 'LimitExceeded', 409, 'Cannot exceed quota for AccessKeysPerUser: 2');
    assert.deepEqual(out.keys, [[out.key1.AccessKeyId, 'Active'], [out.key2, 'Inactive']].sort());
    assert.deepEqual(out.last_used, { UserName: 'caroline', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
    err('last_used_unknown', 'AccessDenied', 403, /is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE$/);
    err('update_unknown_key', 'NoSuchEntity', 404, 'The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.');
    err('delete_user_with_keys', 'DeleteConflict', 409);
  });

  it('login profiles and the account password policy', () => {
    err('weak_password', 'PasswordPolicyViolation', 400, 'Password does not conform to the account password policy.');
    assert.equal(out.login_profile.UserName, 'caroline');
    assert.equal(out.login_profile.PasswordResetRequired, true);
    err('login_profile_again', 'EntityAlreadyExists', 409, 'Login Profile for user caroline already exists.');
    err('no_password_policy', 'NoSuchEntity', 404, `The Password Policy with domain name ${accountId} cannot be found.`);
    assert.equal(out.password_policy.MinimumPasswordLength, 20);
    assert.equal(out.password_policy.RequireSymbols, true);
    assert.equal(out.password_policy.ExpirePasswords, true);
    assert.equal(out.password_policy.MaxPasswordAge, 90);
    err('violating_password', 'PasswordPolicyViolation', 400);
    err('delete_password_policy_again', 'NoSuchEntity', 404, 'The account policy with name PasswordPolicy cannot be found.');
  });

  it('virtual MFA devices', () => {
    assert.equal(out.mfa.serial, `arn:aws:iam::${accountId}:mfa/people/carol-phone`);
    assert.match(out.mfa.seed, /^[A-Z2-7]{64}$/);
    err('mfa_again', 'EntityAlreadyExists', 409, 'MFA device already exists.');
    assert.deepEqual(out.mfa_unassigned, [out.mfa.serial]);
    err('mfa_wrong_codes', 'InvalidAuthenticationCode', 403, 'Authentication code for device is not valid.');
  });

  it('account summary and alias', () => {
    assert.equal(out.summary.Users, 1);
    assert.equal(out.summary.Groups, 1);
    assert.equal(out.summary.Policies, 1);
    assert.equal(out.summary.AccessKeysPerUserQuota, 2);
    assert.equal(out.summary.AccountAccessKeysPresent, 1);
    assert.deepEqual(out.alias, ['coffer-test']);
    err('delete_missing_alias', 'NoSuchEntity', 404);
  });

  it('pagination with MaxItems and Marker', () => {
    assert.deepEqual(out.page1, { n: 2, truncated: true, marker: true });
    assert.equal(out.paginated, 6);
    err('bad_marker', 'ValidationError', 400, 'Invalid Marker.');
  });

  it('the policy simulator answers from the enforcement engine', () => {
    assert.deepEqual(out.simulate_custom, [
      ['s3:GetObject', 'arn:aws:s3:::data/a.txt', 'allowed'],
      ['s3:GetObject', 'arn:aws:s3:::data/secret/b.txt', 'explicitDeny'],
      ['s3:PutObject', 'arn:aws:s3:::data/a.txt', 'implicitDeny'],
      ['s3:PutObject', 'arn:aws:s3:::data/secret/b.txt', 'implicitDeny'],
    ]);
    // caroline: inline kms:Decrypt, attached reader (default v1: s3:GetObject), ReadOnlyAccess through devs.
    assert.deepEqual(out.simulate_principal, [['kms:Decrypt', 'allowed'], ['s3:GetObject', 'allowed'], ['iam:ListUsers', 'allowed'], ['s3:PutObject', 'implicitDeny']]);
  });

  for (const cli of AWS_CLIS) {
    it(`aws-cli (${cli}): users, access keys and policies`, async () => {
      const aws = (...args: string[]) => run(cli, ['iam', ...args, '--endpoint-url', server.url, '--output', 'json'], server.clientEnv());
      const name = `cli-${cli.replace(/\W/g, '')}`;
      const created = await aws('create-user', '--user-name', name);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(JSON.parse(created.stdout).User.UserName, name);
      const key = await aws('create-access-key', '--user-name', name);
      assert.equal(key.code, 0, key.stderr);
      const keyId = JSON.parse(key.stdout).AccessKey.AccessKeyId;
      const policy = await aws('create-policy', '--policy-name', `${name}-p`, '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}');
      assert.equal(policy.code, 0, policy.stderr);
      const arn = JSON.parse(policy.stdout).Policy.Arn;
      assert.equal((await aws('attach-user-policy', '--user-name', name, '--policy-arn', arn)).code, 0);
      const attached = JSON.parse((await aws('list-attached-user-policies', '--user-name', name)).stdout);
      assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: `${name}-p`, PolicyArn: arn }]);
      const conflict = await aws('delete-user', '--user-name', name);
      assert.notEqual(conflict.code, 0);
      assert.match(conflict.stderr, /DeleteConflict/);
      assert.equal((await aws('delete-access-key', '--user-name', name, '--access-key-id', keyId)).code, 0);
      assert.equal((await aws('detach-user-policy', '--user-name', name, '--policy-arn', arn)).code, 0);
      assert.equal((await aws('delete-user', '--user-name', name)).code, 0);
      const gone = await aws('get-user', '--user-name', name);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, new RegExp(`NoSuchEntity.*The user with name ${name} cannot be found\\.`));
    });
  }

  it('the credential report: AWS columns, one row per user after the root', async () => {
    const script = `
import boto3, json, sys, csv, io
iam = boto3.client('iam', endpoint_url=sys.argv[1])
try:
    iam.get_credential_report()
    before = 'present'
except iam.exceptions.CredentialReportNotPresentException as e:
    before = e.response['ResponseMetadata']['HTTPStatusCode']
states = [iam.generate_credential_report()['State'], iam.generate_credential_report()['State']]
report = iam.get_credential_report()
print(json.dumps({'before': before, 'states': states, 'format': report['ReportFormat'], 'csv': report['Content'].decode()}))
`;
    const r = await run('python3', ['-c', script, server.url], server.clientEnv());
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.before, 410);
    assert.deepEqual(rep.states, ['STARTED', 'COMPLETE']);
    assert.equal(rep.format, 'text/csv');
    const [header, ...rows] = (rep.csv as string).split('\n').map((l) => l.split(','));
    assert.deepEqual(header, [
      'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed',
      'password_next_rotation', 'mfa_active', 'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date',
      'access_key_1_last_used_region', 'access_key_1_last_used_service', 'access_key_2_active', 'access_key_2_last_rotated',
      'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
      'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
    ]);
    const root = rows[0]!;
    assert.deepEqual(root.slice(0, 2), ['<root_account>', `arn:aws:iam::${accountId}:root`]);
    assert.deepEqual(root.slice(3, 9), ['not_supported', 'N/A', 'not_supported', 'not_supported', 'false', 'true']);
    const carol = rows.find((row) => row[0] === 'caroline')!;
    assert.equal(carol[1], `arn:aws:iam::${accountId}:user/ops/caroline`);
    assert.match(carol[2]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.deepEqual(carol.slice(3, 5), ['true', 'no_information']);
    assert.equal(carol[6], 'N/A');
    assert.equal(carol[7], 'false');
    // Two keys, oldest first: the first active, the second deactivated; neither used yet.
    assert.deepEqual([carol[8], carol[10], carol[11], carol[12]], ['true', 'N/A', 'N/A', 'N/A']);
    assert.equal(carol[13], 'false');
    assert.deepEqual(carol.slice(18), ['false', 'N/A', 'false', 'N/A']);
  });
});
