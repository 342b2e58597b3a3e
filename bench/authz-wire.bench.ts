import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { authzBench, evaluateBench, type AuthzBenchRow } from './authz.bench.js';
import type { BenchRow } from './kms.bench.js';
import { interleavedMediansOf3, runLoad, type LoadResult } from './load.js';
import { kmsRequest, signerFor, type Target } from './signing.js';

/**
 * Authorization overhead, two ways:
 * - on the wire: KMS Encrypt (256 B) as the account root against the same request as an IAM user
 *   holding 10 managed policies of 10 statements each (inline ones are capped at 2,048 characters in all) (the allowing statement last), at
 *   concurrency 1 and 32: the user pays for identity-policy evaluation on top of the key policy;
 * - in process: bench/authz.bench.ts (the policy engine alone, microseconds per authorization).
 */

/** Ten statements that don't apply to the measured request, in the shapes real policies use. */
function filler(account: string, p: number): object[] {
  return Array.from({ length: 10 }, (_, s) => {
    const i = p * 10 + s;
    switch (s % 5) {
      case 0: return { Sid: `S${i}`, Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::other-${i}/*` };
      case 1: return { Sid: `S${i}`, Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:*:${account}:key/other-${i}` };
      case 2: return { Sid: `S${i}`, Effect: 'Allow', Action: 's3:Get*', Resource: `arn:aws:s3:::other-${i}/\${aws:username}/*` };
      case 3: return { Sid: `S${i}`, Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/blocked': 'yes' } } };
      default: return { Sid: `S${i}`, Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } };
    }
  });
}

/** Creates the key and the 10x10 user; answers the user's credentials and the Encrypt body. */
async function prepare(root: Target): Promise<{ user: Target; body: Buffer }> {
  const common = { endpoint: root.url, region: 'us-east-1', credentials: { accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey } };
  const kms = new KMSClient(common);
  const iam = new IAMClient(common);
  try {
    const arn = (await kms.send(new CreateKeyCommand({ Description: 'bench authz' }))).KeyMetadata!.Arn!;
    const account = arn.split(':')[4]!;
    await iam.send(new CreateUserCommand({ UserName: 'bench-authz' }));
    for (let p = 0; p < 10; p++) {
      const statements = filler(account, p);
      if (p === 9) statements[9] = { Sid: 'Encrypt', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: arn };
      const policy = await iam.send(new CreatePolicyCommand({ PolicyName: `bench-authz-${p}`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
      await iam.send(new AttachUserPolicyCommand({ UserName: 'bench-authz', PolicyArn: policy.Policy!.Arn! }));
    }
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'bench-authz' }))).AccessKey!;
    return {
      user: { url: root.url, accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
      body: Buffer.from(JSON.stringify({ KeyId: arn, Plaintext: Buffer.alloc(256, 7).toString('base64') })),
    };
  } finally {
    kms.destroy();
    iam.destroy();
  }
}

function loadRun(t: Target, body: Buffer, concurrency: number, seconds: number): () => Promise<LoadResult> {
  const signer = signerFor(t, 'kms');
  return () => runLoad(() => kmsRequest(signer, t.url, 'Encrypt', body), concurrency, seconds);
}

function checked(result: LoadResult, who: string): LoadResult {
  if (result.errors > 0) throw new Error(`KMS Encrypt as ${who}: ${result.errors} of ${result.ops} requests failed`);
  return result;
}

/** Encrypt as the 10x10 IAM user, with the root's figure as the reference (ratio = user / root). */
export async function authzWireScenarios(root: Target, seconds: number, concurrencies = [1, 32]): Promise<BenchRow[]> {
  const { user, body } = await prepare(root);
  const rows: BenchRow[] = [];
  for (const concurrency of concurrencies) {
    const [r, u] = await interleavedMediansOf3([loadRun(root, body, concurrency, seconds), loadRun(user, body, concurrency, seconds)]);
    const asRoot = checked(r!, 'root');
    const asUser = checked(u!, 'IAM user');
    rows.push({ scenario: 'KMS Encrypt as an IAM user with 10 policies x 10 statements', concurrency, coffer: asUser, references: [{ name: 'same as account root', result: asRoot, ratio: asUser.opsPerSecond / asRoot.opsPerSecond }] });
  }
  return rows;
}

/** The policy engine alone, in process (bench/authz.bench.ts): µs per authorization, root and 10x10 user. */
export async function authzEngineBench(): Promise<{ rows: AuthzBenchRow[]; evaluateMicros: number }> {
  return { rows: await authzBench(), evaluateMicros: await evaluateBench() };
}
