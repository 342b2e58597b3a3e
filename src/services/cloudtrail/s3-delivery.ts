/**
 * CloudTrail's side of S3: whether a trail bucket exists and lets CloudTrail write, and the
 * writes themselves. CloudTrail acts as the service principal `cloudtrail.amazonaws.com`, so the
 * bucket policy alone decides (a service principal has no identity policies), with the request
 * context AWS gives it: `aws:SourceArn` (the trail) and `aws:SourceAccount`, and the
 * `bucket-owner-full-control` ACL AWS's documented trail bucket policy requires.
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

export const CLOUDTRAIL_PRINCIPAL: Principal = {
  type: 'AWSService', accountId: '', arn: 'cloudtrail.amazonaws.com', principalId: 'cloudtrail.amazonaws.com',
};

type S3Calls = Pick<S3Api, 'putObject' | 'headBucket'>;

export class S3TrailBuckets implements TrailBuckets, TrailObjectSink {
  /** Policies of the caller are never needed: the caller is always the CloudTrail service. */
  private readonly authorizer = new PolicyAuthorizer({ policiesFor: async () => ({ identity: [], tags: {} }) });

  /** `binding` is read on first use, so CloudTrail can be built before S3 (which records through it). */
  constructor(private readonly binding: () => ServiceBinding, private readonly clock: Clock) {}

  private get s3(): S3Calls {
    return this.binding().provider as S3Calls;
  }

  private get put(): ActionSpec {
    const put = this.binding().actions.PutObject;
    if (!put) throw new Error('S3 declares no action for PutObject');
    return put;
  }

  private context(trailArn: string, operation: string): RequestContext {
    return {
      requestId: randomBytes(8).toString('hex').toUpperCase(), service: 's3', operation,
      region: trailArn.split(':')[3] ?? 'us-east-1', accountId: '', principal: CLOUDTRAIL_PRINCIPAL,
      sourceIp: 'cloudtrail.amazonaws.com', userAgent: 'cloudtrail.amazonaws.com', receivedAt: this.clock.now(), secureTransport: true,
      // On behalf of the trail: what the KMS calls of an SSE-KMS delivery are authorized with too.
      ...(trailArn ? { source: { arn: trailArn, account: trailArn.split(':')[4] ?? '' } } : {}),
    };
  }

  /** PutObject's spec with the source keys a service principal's request carries. */
  private spec(trail: DeliveringTrail): ActionSpec {
    const base = this.put;
    return {
      ...base,
      conditions: (ctx, input) => ({ ...base.conditions?.(ctx, input), 'aws:SourceArn': trail.arn, 'aws:SourceAccount': trail.accountId }),
    };
  }

  private async allowed(trail: DeliveringTrail, input: PutObjectRequest): Promise<boolean> {
    return (await this.authorizer.authorize(this.context(trail.arn, 'PutObject'), this.spec(trail), input)) === 'allow';
  }

  async exists(bucket: string): Promise<boolean> {
    try {
      await this.s3.headBucket(this.context('', 'HeadBucket'), { Bucket: bucket });
      return true;
    } catch (err) {
      if (err instanceof AwsError && err.code === 'NoSuchBucket') return false;
      throw err;
    }
  }

  async allowsDelivery(bucket: string, keyPrefix: string | undefined, accountId: string, trailArn: string): Promise<boolean> {
    const key = `${keyPrefix ? `${keyPrefix}/` : ''}AWSLogs/${accountId}/CloudTrail/`;
    return this.allowed({ arn: trailArn, accountId }, { Bucket: bucket, Key: key, ACL: 'bucket-owner-full-control' });
  }

  async putObject(trail: DeliveringTrail, bucket: string, key: string, body: Buffer, metadata: Record<string, string>, kmsKeyId?: string): Promise<void> {
    const input: PutObjectRequest = {
      Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ACL: 'bucket-owner-full-control',
      ContentType: 'application/json', ContentEncoding: 'gzip', Metadata: metadata,
      ...(kmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId } : {}),
    };
    if (!(await this.allowed(trail, input))) throw new AwsError('AccessDenied', 'Access Denied', { status: 403 });
    await this.s3.putObject(this.context(trail.arn, 'PutObject'), input);
  }
}
