/**
 * Authorization cost per request: the account root against an IAM user holding 10 policies of 10
 * statements each (wildcards, conditions, policy variables; the allowing statement is the last
 * one), for S3 GetObject (bucket policy) and KMS Encrypt (default key policy), in one run.
 *
 *   npm run build && node dist/bench/authz.bench.js
 *
 * or, from the bench runner, `await authzBench({ iterations })` (rows; nothing printed). Policies
 * are compiled once and cached, so the steady state measured here is what every request pays.
 */
import { pathToFileURL } from 'node:url';
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
  policies[9]!.Statement[9] = { Sid: 'Use', Effect: 'Allow', Action: ['s3:GetObject', 'kms:Encrypt'], Resource: [`${BUCKET}/*`, KEY], Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
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
const encrypt: ActionSpec = {
  action: 'kms:Encrypt', resources: () => [KEY], resourcePolicy: async () => keyPolicy, grants: async () => [],
  conditions: () => ({ 'kms:EncryptionContext:purpose': 'bench', 'kms:EncryptionContextKeys': ['purpose'] }),
};

function ctx(principal: Principal, service: string, operation: string): RequestContext {
  return { requestId: 'bench', service, operation, region: 'us-east-1', accountId: ACCOUNT, principal, sourceIp: '203.0.113.9', userAgent: 'bench', receivedAt: new Date(), secureTransport: true };
}

/** One measured operation: microseconds per authorization for the root and for the 10x10 IAM user. */
export interface AuthzBenchRow {
  operation: 'GetObject' | 'Encrypt';
  rootMicros: number;
  userMicros: number;
  /** userMicros - rootMicros: what the 10x10 policies add to every request. */
  extraMicros: number;
}

async function measure(fn: () => unknown | Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < Math.min(5_000, iterations); i++) await fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

/**
 * Measures authorization of S3 GetObject and KMS Encrypt for the account root and for an IAM user
 * holding 10 policies x 10 statements, through the PolicyAuthorizer the gateway uses.
 * `iterations` per measurement (default 200,000; each takes a few µs).
 */
export async function authzBench(options: { iterations?: number } = {}): Promise<AuthzBenchRow[]> {
  const iterations = options.iterations ?? 200_000;
  const rows: AuthzBenchRow[] = [];
  for (const [spec, service, operation] of [[getObject, 's3', 'GetObject'], [encrypt, 'kms', 'Encrypt']] as const) {
    const rootCtx = ctx(root, service, operation);
    const userCtx = ctx(user, service, operation);
    if ((await authorizer.authorize(userCtx, spec, {})) !== 'allow' || (await authorizer.authorize(rootCtx, spec, {})) !== 'allow') {
      throw new Error(`${operation}: the benchmark requests must be allowed`);
    }
    const rootMicros = await measure(() => authorizer.authorize(rootCtx, spec, {}), iterations);
    const userMicros = await measure(() => authorizer.authorize(userCtx, spec, {}), iterations);
    rows.push({ operation, rootMicros, userMicros, extraMicros: userMicros - rootMicros });
  }
  return rows;
}

/** evaluate() alone for the 10x10 user's GetObject with a bucket policy, µs per call. */
export async function evaluateBench(iterations = 200_000): Promise<number> {
  const request = {
    principal: user, action: 's3:GetObject', resource: `${BUCKET}/data/object.bin`, identity: policies.identity,
    context: { 'aws:SecureTransport': 'true', 'aws:username': 'bench', 'aws:SourceIp': '203.0.113.9' }, resourcePolicy: bucketPolicy,
  };
  return measure(() => evaluate(request), iterations);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await authzBench()) {
    console.log(`${r.operation.padEnd(10)} root ${r.rootMicros.toFixed(2).padStart(7)} µs   IAM user 10x10 ${r.userMicros.toFixed(2).padStart(7)} µs   extra ${r.extraMicros.toFixed(2).padStart(7)} µs per request`);
  }
  console.log(`evaluate() alone, 10x10 + bucket policy: ${(await evaluateBench()).toFixed(2)} µs`);
}
