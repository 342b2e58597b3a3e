/**
 * CloudTrail's side of S3: whether a trail bucket exists and lets CloudTrail write, and the
 * writes themselves. CloudTrail acts as the service principal `cloudtrail.amazonaws.com`, so the
 * bucket policy alone decides (a service principal has no identity policies), with the request
 * context AWS gives it: `aws:SourceArn` (the trail) and `aws:SourceAccount` (which also reach the
 * KMS key policy when S3 asks KMS for an SSE-KMS data key), and the `bucket-owner-full-control`
 * ACL AWS's documented trail bucket policy requires.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 */
import { randomBytes } from 'node:crypto';
import { PolicyAuthorizer } from '../../authz/policy-authorizer.js';
import type { ActionSpec } from '../../authz/types.js';
import { AwsError } from '../../errors.js';
import type { S3Api } from '../../generated/s3/api.js';
import type { PutObjectRequest } from '../../generated/s3/shapes.js';
import type { Clock } from '../../server/clock.js';
import type { Principal, RequestContext } from '../../server/context.js';
import type { ServiceBinding } from '../../server/gateway.js';
import type { DeliveringTrail, TrailObjectSink } from '../../trail/sink.js';
import type { TrailBuckets } from './deps.js';

/** The service principal CloudTrail acts as; accounted to the trail's owner (whose history shows its KMS calls). */
export function cloudtrailPrincipal(accountId: string): Principal {
  return { type: 'AWSService', accountId, arn: 'cloudtrail.amazonaws.com', principalId: 'cloudtrail.amazonaws.com' };
}

type S3Calls = Pick<S3Api, 'putObject' | 'headBucket'>;

export class S3TrailBuckets implements TrailBuckets, TrailObjectSink {
  /** Policies of the caller are never needed: the caller is always the CloudTrail service. */
  private readonly authorizer = new PolicyAuthorizer({ policiesFor: async () => ({ identity: [], tags: {} }) });

  /** `binding` is read on first use, so CloudTrail can be built before S3 (which records through it). */
  constructor(private readonly binding: () => ServiceBinding, private readonly clock: Clock) {}

  private get s3(): S3Calls {
    return this.binding().provider as S3Calls;
  }

  private action(operation: 'PutObject' | 'GetBucketAcl'): ActionSpec {
    const spec = this.binding().actions[operation];
    if (!spec) throw new Error(`S3 declares no action for ${operation}`);
    return spec;
  }

  /** A request of CloudTrail's for `trail`: aws:SourceArn and aws:SourceAccount name the trail. */
  private context(trail: DeliveringTrail | undefined, operation: string): RequestContext {
    return {
      requestId: randomBytes(8).toString('hex').toUpperCase(), service: 's3', operation,
      region: trail?.arn.split(':')[3] ?? 'us-east-1', accountId: trail?.accountId ?? '', principal: cloudtrailPrincipal(trail?.accountId ?? ''),
      sourceIp: 'cloudtrail.amazonaws.com', userAgent: 'cloudtrail.amazonaws.com', receivedAt: this.clock.now(), secureTransport: true,
      ...(trail ? { source: { arn: trail.arn, account: trail.accountId } } : {}),
    };
  }

  private async allowed(trail: DeliveringTrail, operation: 'PutObject' | 'GetBucketAcl', input: { Bucket: string }): Promise<boolean> {
    return (await this.authorizer.authorize(this.context(trail, operation), this.action(operation), input)) === 'allow';
  }

  async exists(bucket: string): Promise<boolean> {
    try {
      await this.s3.headBucket(this.context(undefined, 'HeadBucket'), { Bucket: bucket });
      return true;
    } catch (err) {
      if (err instanceof AwsError && err.code === 'NoSuchBucket') return false;
      throw err;
    }
  }

  /** The two permissions AWS checks: s3:GetBucketAcl on the bucket, s3:PutObject under AWSLogs/<account>/. */
  async allowsDelivery(bucket: string, keyPrefix: string | undefined, accountId: string, trailArn: string): Promise<boolean> {
    const trail = { arn: trailArn, accountId };
    const key = `${keyPrefix ? `${keyPrefix}/` : ''}AWSLogs/${accountId}/CloudTrail/`;
    return (await this.allowed(trail, 'GetBucketAcl', { Bucket: bucket }))
      && this.allowed(trail, 'PutObject', { Bucket: bucket, Key: key, ACL: 'bucket-owner-full-control' } as PutObjectRequest);
  }

  /**
   * With a KMS key, S3 encrypts the file (SSE-KMS) with a data key KMS makes for CloudTrail, under
   * the encryption context AWS uses (`aws:cloudtrail:arn`, plus S3's `aws:s3:arn`): the key
   * policy must allow cloudtrail.amazonaws.com kms:GenerateDataKey*.
   */
  async putObject(trail: DeliveringTrail, bucket: string, key: string, body: Buffer, metadata: Record<string, string>, kmsKeyId?: string): Promise<void> {
    const input: PutObjectRequest = {
      Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ACL: 'bucket-owner-full-control',
      ContentType: 'application/json', ContentEncoding: 'gzip', Metadata: metadata,
      ...(kmsKeyId ? {
        ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId,
        SSEKMSEncryptionContext: Buffer.from(JSON.stringify({ 'aws:cloudtrail:arn': trail.arn })).toString('base64'),
      } : {}),
    };
    if (!(await this.allowed(trail, 'PutObject', input))) throw new AwsError('AccessDenied', 'Access Denied', { status: 403 });
    await this.s3.putObject(this.context(trail, 'PutObject'), input);
  }
}
