import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parsePolicy } from '../../authz/policy.js';
import { Sealer } from '../../crypto/root-key.js';
import { Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { migrate, openSqlite, type Db } from '../../store/database.js';
import { IamChanges } from './deps.js';
import { awsManagedPolicies } from './managed-policies.js';
import { createIamProvider, type IamProvider } from './provider.js';

const ACCOUNT = '123456789012';
const ctx: RequestContext = {
  requestId: 't', service: 'iam', operation: 'Test', region: 'us-east-1', accountId: ACCOUNT,
  principal: { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT },
  sourceIp: '127.0.0.1', userAgent: 'test', receivedAt: new Date(), secureTransport: false,
};

describe('AWS managed policies', () => {
  let db: Db;
  let iam: IamProvider;

  before(async () => {
    db = await openSqlite(':memory:');
    await migrate(db);
    await db.insertInto('accounts').values({ id: ACCOUNT, name: 't', canonical_user_id: 'c'.repeat(64), created_at: new Date().toISOString() }).execute();
    iam = createIamProvider({ db, sealer: new Sealer(randomBytes(32)), clock: new Clock(), changes: new IamChanges() });
  });
  after(() => db.destroy());

  it('are the ten the issue names, each a valid identity policy with its AWS id', () => {
    const names = awsManagedPolicies().map((p) => p.name).sort();
    assert.deepEqual(names, ['AWSCloudTrail_FullAccess', 'AWSCloudTrail_ReadOnlyAccess', 'AWSKeyManagementServicePowerUser', 'AdministratorAccess',
      'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'ReadOnlyAccess', 'SecurityAudit']);
    for (const p of awsManagedPolicies()) {
      assert.match(p.policyId, /^ANPA[A-Z2-7]{17}$/, p.name);
      assert.equal(p.arn, `arn:aws:iam::aws:policy/${p.name}`);
      parsePolicy(p.document, 'identity');
    }
  });

  it('answer GetPolicy, GetPolicyVersion and ListPolicyVersions with the account\'s attachment count', async () => {
    const arn = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    await iam.createUser!(ctx, { UserName: 'u' });
    await iam.attachUserPolicy!(ctx, { UserName: 'u', PolicyArn: arn });
    const policy = (await iam.getPolicy!(ctx, { PolicyArn: arn })).Policy!;
    assert.deepEqual([policy.PolicyId, policy.DefaultVersionId, policy.AttachmentCount, policy.Path], ['ANPAIZTJ4DXE7G6AGAE6M', 'v3', 1, '/']);
    const version = (await iam.getPolicyVersion!(ctx, { PolicyArn: arn, VersionId: 'v3' })).PolicyVersion!;
    assert.deepEqual(JSON.parse(decodeURIComponent(version.Document!)).Statement[0].Action,
      ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*']);
    await assert.rejects(iam.getPolicyVersion!(ctx, { PolicyArn: arn, VersionId: 'v1' }), { code: 'NoSuchEntity', message: `Policy ${arn} version v1 does not exist or is not attachable.` });
    await assert.rejects(iam.attachUserPolicy!(ctx, { UserName: 'u', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' }), { code: 'NoSuchEntity' });
  });
});
