/**
 * The S3 part of the inventory: the account's Block Public Access (S3 Control) and every bucket
 * with its ACL, policy, Block Public Access, versioning, logging, ownership, default encryption,
 * Object Lock and lifecycle, each read from the bucket's own Region.
 */
import {
  GetBucketAclCommand, GetBucketEncryptionCommand, GetBucketLifecycleConfigurationCommand, GetBucketLocationCommand,
  GetBucketLoggingCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand, GetPublicAccessBlockCommand, paginateListBuckets, type PublicAccessBlockConfiguration,
  type Bucket as SdkBucket,
} from '@aws-sdk/client-s3';
import type { Bucket, Fetched, PublicAccessBlock, S3Inventory } from '../inventory.js';
import type { AuditClients } from './client-set.js';
import { attempt, attemptOptional, collectPages, failed, iso, mapLimit, type Progress } from './util.js';

const FAN_OUT = 8;

function bpa(c: PublicAccessBlockConfiguration | undefined): PublicAccessBlock {
  return {
    blockPublicAcls: c?.BlockPublicAcls ?? false, ignorePublicAcls: c?.IgnorePublicAcls ?? false,
    blockPublicPolicy: c?.BlockPublicPolicy ?? false, restrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
  };
}

/** GetBucketLocation's LocationConstraint as a Region name (empty is us-east-1, `EU` is eu-west-1). */
export function regionOfLocation(constraint: string | undefined): string {
  if (!constraint) return 'us-east-1';
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

/** The minimal surface of `@aws-sdk/client-s3-control` the account check uses. */
interface S3ControlModule {
  S3ControlClient: new (config: object) => { send(command: unknown): Promise<{ PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration }>; destroy(): void };
  GetPublicAccessBlockCommand: new (input: { AccountId: string }) => unknown;
}

/**
 * The account-level Block Public Access lives in S3 Control, whose SDK client is an optional
 * dependency: without it the value is `unavailable` (the check reports MANUAL), not guessed.
 */
async function accountPublicAccessBlock(clients: AuditClients, accountId: string, progress: Progress): Promise<Fetched<PublicAccessBlock | null>> {
  const moduleName = '@aws-sdk/client-s3-control';
  const unavailable = (why: string): Fetched<null> => ({ ok: false, error: { operation: 'GetPublicAccessBlock (S3 Control)', code: 'ClientUnavailable', message: `${why}, so the account-level setting could not be read`, kind: 'unavailable' } });
  if (!clients.s3ControlConfig) return unavailable('no S3 Control client is available here');
  let mod: S3ControlModule;
  try {
    mod = (await import(moduleName)) as S3ControlModule;
  } catch {
    return unavailable(`${moduleName} is not installed`);
  }
  const client = new mod.S3ControlClient(clients.s3ControlConfig());
  try {
    return await attemptOptional(progress, 'GetPublicAccessBlock (S3 Control)', ['NoSuchPublicAccessBlockConfiguration'], null, async () =>
      bpa((await client.send(new mod.GetPublicAccessBlockCommand({ AccountId: accountId }))).PublicAccessBlockConfiguration));
  } finally {
    client.destroy();
  }
}

async function bucketDetails(clients: AuditClients, partition: string, b: SdkBucket & { BucketRegion?: string }, progress: Progress): Promise<Bucket> {
  const name = b.Name ?? '';
  let region = b.BucketRegion;
  if (!region) {
    const location = await attempt(progress, 'GetBucketLocation', async () => (await clients.s3().send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint);
    region = location.ok ? regionOfLocation(location.value) : clients.homeRegion;
  }
  const s3 = clients.s3(region);
  const Bucket = name;
  return {
    name, arn: `arn:${partition}:s3:::${name}`, region, createdAt: iso(b.CreationDate),
    acl: await attempt(progress, 'GetBucketAcl', async () => {
      const out = await s3.send(new GetBucketAclCommand({ Bucket }));
      return {
        ownerId: out.Owner?.ID,
        grants: (out.Grants ?? []).map((g) => ({ granteeType: g.Grantee?.Type ?? '', uri: g.Grantee?.URI, id: g.Grantee?.ID, permission: g.Permission ?? '' })),
      };
    }),
    policy: await attemptOptional(progress, 'GetBucketPolicy', ['NoSuchBucketPolicy'], null, async () => {
      const text = (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy;
      return text ? (JSON.parse(text) as Record<string, unknown>) : null;
    }),
    publicAccessBlock: await attemptOptional(progress, 'GetPublicAccessBlock', ['NoSuchPublicAccessBlockConfiguration'], null, async () =>
      bpa((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration)),
    versioning: await attempt(progress, 'GetBucketVersioning', async () => {
      const out = await s3.send(new GetBucketVersioningCommand({ Bucket }));
      return { status: out.Status, mfaDelete: out.MFADelete };
    }),
    logging: await attempt(progress, 'GetBucketLogging', async () => {
      const enabled = (await s3.send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled;
      return enabled?.TargetBucket ? { targetBucket: enabled.TargetBucket, targetPrefix: enabled.TargetPrefix } : null;
    }),
    ownership: await attemptOptional(progress, 'GetBucketOwnershipControls', ['OwnershipControlsNotFoundError'], null, async () =>
      (await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null),
    encryption: await attemptOptional(progress, 'GetBucketEncryption', ['ServerSideEncryptionConfigurationNotFoundError'], null, async () =>
      ((await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules ?? []).map((r) => ({
        algorithm: r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? '', kmsKeyId: r.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
      }))),
    objectLock: await attemptOptional(progress, 'GetObjectLockConfiguration', ['ObjectLockConfigurationNotFoundError'], false, async () =>
      (await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled'),
    lifecycleRules: await attemptOptional(progress, 'GetBucketLifecycleConfiguration', ['NoSuchLifecycleConfiguration'], 0, async () =>
      ((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? []).filter((r) => r.Status === 'Enabled').length),
  };
}

/** Reads the S3 section of the inventory. */
export async function collectS3(clients: AuditClients, account: { id: string; partition: string }, progress: Progress): Promise<S3Inventory> {
  progress.stage('s3');
  const [accountBpa, list] = await Promise.all([
    accountPublicAccessBlock(clients, account.id, progress),
    attempt(progress, 'ListBuckets', () => collectPages(paginateListBuckets({ client: clients.s3() }, {}), (p) => p.Buckets)),
  ]);
  if (!list.ok) return { accountPublicAccessBlock: accountBpa, buckets: failed(list.error) };
  const buckets = await mapLimit(list.value, FAN_OUT, (b) => bucketDetails(clients, account.partition, b, progress));
  return { accountPublicAccessBlock: accountBpa, buckets: { ok: true, value: buckets } };
}
