/**
 * Authorization cost per request: the account root against an IAM user holding 10 policies of 10
 * statements each (wildcards, conditions, policy variables; the allowing statement is the last
 * one), for S3 GetObject (bucket policy) and KMS Decrypt (default key policy).
 *
 *   npm run build && node dist/bench/authz.bench.js
 *
 * Prints ops/s and microseconds per authorization. Policies are compiled once and cached, so the
 * steady state measured here is what every request pays.
 */
import type { Principal, RequestContext } from '../src/server/context.js';
import { evaluate } from '../src/authz/evaluate.js';
import { PolicyAuthorizer } from '../src/authz/policy-authorizer.js';
import type { PrincipalPolicies, PrincipalPolicySource } from '../src/authz/principal-policies.js';
import type { ActionSpec, ResourcePolicy } from '../src/authz/types.js';

const ACCOUNT = '111122223333';
const BUCKET = 'arn:aws:s3:::bench-bucket';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const root: Principal = { type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT };
const user: Principal = { type: 'IAMUser', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bench`, principalId: 'AIDABENCHEXAMPLE0001', userName: 'bench' };

/** Ten statements that don't apply to the measured requests, in the shapes real policies use. */
function filler(p: number): object[] {
  return Array.from({ length: 10 }, (_, s) => {
    const i = p * 10 + s;
    switch (s % 5) {
      case 0: return { Sid: `S${i}`, Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::other-${i}/*` };
      case 1: return { Sid: `S${i}`, Effect: 'Allow', Action: 'kms:Encrypt', Resource: `arn:aws:kms:*:${ACCOUNT}:key/other-${i}` };
      case 2: return { Sid: `S${i}`, Effect: 'Allow', Action: 's3:Get*', Resource: `arn:aws:s3:::other-${i}/\${aws:username}/*` };
      case 3: return { Sid: `S${i}`, Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/blocked': 'yes' } } };
      default: return { Sid: `S${i}`, Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } };
    }
  });
}

function tenPolicies(): string[] {
  const policies = Array.from({ length: 10 }, (_, p) => ({ Version: '2012-10-17', Statement: filler(p) }));
  // The allowing statements come last: every other statement is looked at first.
  policies[9]!.Statement[9] = { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 'kms:Decrypt'], Resource: [`${BUCKET}/*`, KEY], Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
  return policies.map((d) => JSON.stringify(d));
}

const policies: PrincipalPolicies = { identity: tenPolicies(), tags: { team: 'bench' } };
const source: PrincipalPolicySource = { policiesFor: async () => policies };
const authorizer = new PolicyAuthorizer(source);

const bucketPolicy: ResourcePolicy = {
  kind: 'standard', accountId: ACCOUNT,
  document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'DenyHttp', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }),
};
const keyPolicy: ResourcePolicy = {
  kind: 'kms-key', accountId: ACCOUNT,
  document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] }),
};

const getObject: ActionSpec = { action: 's3:GetObject', resources: () => [`${BUCKET}/data/object.bin`], resourcePolicy: async () => bucketPolicy };
const decrypt: ActionSpec = {
  action: 'kms:Decrypt', resources: () => [KEY], resourcePolicy: async () => keyPolicy, grants: async () => [],
  conditions: () => ({ 'kms:EncryptionContext:purpose': 'bench', 'kms:EncryptionContextKeys': ['purpose'] }),
};

function ctx(principal: Principal, service: string, operation: string): RequestContext {
  return { requestId: 'bench', service, operation, region: 'us-east-1', accountId: ACCOUNT, principal, sourceIp: '203.0.113.9', userAgent: 'bench', receivedAt: new Date(), secureTransport: true };
}

async function measure(name: string, fn: () => unknown | Promise<unknown>, iterations = 200_000): Promise<number> {
  for (let i = 0; i < 5_000; i++) await fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  const ns = Number(process.hrtime.bigint() - started);
  const usPerOp = ns / 1000 / iterations;
  console.log(`${name.padEnd(44)} ${Math.round(1e9 / (ns / iterations)).toLocaleString('en-US').padStart(12)} ops/s ${usPerOp.toFixed(2).padStart(8)} µs/op`);
  return usPerOp;
}

async function main(): Promise<void> {
  for (const [spec, service, op] of [[getObject, 's3', 'GetObject'], [decrypt, 'kms', 'Decrypt']] as const) {
    const rootCtx = ctx(root, service, op);
    const userCtx = ctx(user, service, op);
    if ((await authorizer.authorize(userCtx, spec, {})) !== 'allow' || (await authorizer.authorize(rootCtx, spec, {})) !== 'allow') {
      throw new Error(`${op}: the benchmark requests must be allowed`);
    }
    const rootUs = await measure(`${op}: root`, () => authorizer.authorize(rootCtx, spec, {}));
    const userUs = await measure(`${op}: IAM user, 10 policies x 10 statements`, () => authorizer.authorize(userCtx, spec, {}));
    console.log(`${op}: extra cost of the 10x10 user over root: ${(userUs - rootUs).toFixed(2)} µs per request`);
  }
  const request = {
    principal: user, action: 's3:GetObject', resource: `${BUCKET}/data/object.bin`, identity: policies.identity,
    context: { 'aws:SecureTransport': 'true', 'aws:username': 'bench', 'aws:SourceIp': '203.0.113.9' }, resourcePolicy: bucketPolicy,
  };
  await measure('evaluate() alone, 10x10 + bucket policy', () => evaluate(request));
}

await main();
