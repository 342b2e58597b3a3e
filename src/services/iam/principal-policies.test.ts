import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SessionTokens } from '../../auth/principal.js';
import { Sealer } from '../../crypto/root-key.js';
import { Clock } from '../../server/clock.js';
import type { Principal, RequestContext } from '../../server/context.js';
import { migrate, openSqlite, type Db } from '../../store/database.js';
import { mintSession } from '../sts/sessions.js';
import { iamActions } from './actions.js';
import { IamChanges, type IamDeps } from './deps.js';
import { IamPrincipalPolicies } from './principal-policies.js';
import { createIamProvider, type IamProvider } from './provider.js';

const ACCOUNT = '123456789012';
const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const ctx: RequestContext = {
  requestId: 't', service: 'iam', operation: 'Test', region: 'us-east-1', accountId: ACCOUNT,
  principal: { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT },
  sourceIp: '127.0.0.1', userAgent: 'test', receivedAt: new Date(), secureTransport: false,
};

describe('IamPrincipalPolicies', () => {
  let db: Db;
  let deps: IamDeps;
  let iam: IamProvider;
  let source: IamPrincipalPolicies;
  let alice: Principal;

  before(async () => {
    db = await openSqlite(':memory:');
    await migrate(db);
    deps = { db, sealer: new Sealer(randomBytes(32)), clock: new Clock(), changes: new IamChanges() };
    await db.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'c'.repeat(64), created_at: new Date().toISOString() }).execute();
    iam = createIamProvider(deps);
    source = new IamPrincipalPolicies(deps);
    const user = (await iam.createUser!(ctx, { UserName: 'alice', Tags: [{ Key: 'team', Value: 'data' }] })).User!;
    alice = { type: 'IAMUser', accountId: ACCOUNT, arn: user.Arn, principalId: user.UserId, userName: 'alice', accessKeyId: 'AKIAALICE' };
    await iam.putUserPolicy!(ctx, { UserName: 'alice', PolicyName: 'inline', PolicyDocument: doc('kms:Decrypt') });
    const reader = (await iam.createPolicy!(ctx, { PolicyName: 'reader', PolicyDocument: doc('s3:GetObject') })).Policy!;
    await iam.attachUserPolicy!(ctx, { UserName: 'alice', PolicyArn: reader.Arn! });
    await iam.createGroup!(ctx, { GroupName: 'auditors' });
    await iam.attachGroupPolicy!(ctx, { GroupName: 'auditors', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' });
    await iam.addUserToGroup!(ctx, { GroupName: 'auditors', UserName: 'alice' });
    await iam.putUserPermissionsBoundary!(ctx, { UserName: 'alice', PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  });
  after(() => db.destroy());

  it("gathers a user's inline, attached and group policies, boundary and tags", async () => {
    const p = await source.policiesFor(alice);
    const actions = p.identity.flatMap((d) => JSON.parse(d).Statement[0].Action);
    assert.equal(p.identity.length, 3);
    assert.equal(actions[0], 'kms:Decrypt', 'inline policies first');
    assert.ok(actions.includes('s3:GetObject'), 'the attached customer policy');
    assert.ok(actions.includes('iam:Get*'), 'IAMReadOnlyAccess through the group');
    assert.ok(JSON.parse(p.boundary!).Statement[0].Action.includes('s3:Get*'));
    assert.deepEqual(p.tags, { team: 'data' });
    assert.equal(p.mfaAuthenticated, undefined, 'long-term keys carry no MFA key');
    assert.equal(p.session, undefined);
  });

  it('serves repeated requests from its cache, and sees an IAM change on the next one', async () => {
    const first = await source.policiesFor(alice);
    assert.equal(await source.policiesFor(alice), first);
    await iam.deleteUserPolicy!(ctx, { UserName: 'alice', PolicyName: 'inline' });
    const after = await source.policiesFor(alice);
    assert.notEqual(after, first);
    assert.equal(after.identity.length, 2);
  });

  it('role sessions: role policies, session policies (fail closed on a missing ARN), session tags over role tags, MFA', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] });
    const role = (await iam.createRole!(ctx, { RoleName: 'app', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'ops' }] })).Role!;
    await iam.putRolePolicy!(ctx, { RoleName: 'app', PolicyName: 'p', PolicyDocument: doc('s3:*') });
    const creds = await mintSession(deps, new SessionTokens(db, deps.sealer), {
      accountId: ACCOUNT, principalType: 'AssumedRole', principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s`, principalId: `${role.RoleId}:s`,
      roleId: role.RoleId, sessionPolicy: doc('s3:GetObject'), sessionPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/gone`],
      sessionTags: { team: 'data' }, mfaAuthenticated: true, durationSeconds: 900,
    });
    const p = await source.policiesFor({ type: 'AssumedRole', accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s`, principalId: `${role.RoleId}:s`, accessKeyId: creds.AccessKeyId });
    assert.deepEqual(p.identity, [doc('s3:*')]);
    assert.equal(p.session!.length, 2);
    assert.equal(p.session![0], doc('s3:GetObject'));
    assert.equal(JSON.parse(p.session![1]!).Statement[0].Effect, 'Deny');
    assert.deepEqual(p.tags, { env: 'prod', team: 'data' });
    assert.equal(p.mfaAuthenticated, true);
    assert.ok(p.tokenIssuedAt instanceof Date);
  });

  it('GetSessionToken sessions without MFA are kept out of IAM and STS', async () => {
    const creds = await mintSession(deps, new SessionTokens(db, deps.sealer), {
      accountId: ACCOUNT, principalType: 'IAMUser', principalArn: alice.arn, principalId: alice.principalId, userName: 'alice',
      userId: alice.principalId, mfaAuthenticated: false, durationSeconds: 900,
    });
    const p = await source.policiesFor({ ...alice, accessKeyId: creds.AccessKeyId });
    assert.equal(p.identity.length, 2);
    assert.deepEqual(JSON.parse(p.session![0]!).Statement[0].NotAction, ['iam:*', 'sts:*']);
    assert.equal(p.mfaAuthenticated, false);
  });

  it('every operation the provider implements declares its IAM action', () => {
    const implemented = Object.keys(iam).map((m) => m[0]!.toUpperCase() + m.slice(1)).sort();
    assert.deepEqual(implemented.filter((op) => !iamActions[op]), []);
    assert.deepEqual(Object.keys(iamActions).filter((op) => !implemented.includes(op)), []);
    assert.equal(iamActions.AttachUserPolicy!.action, 'iam:AttachUserPolicy');
    assert.deepEqual(iamActions.AttachUserPolicy!.conditions!(ctx, { UserName: 'alice', PolicyArn: 'arn:x' }), { 'iam:PolicyARN': 'arn:x' });
  });
});
