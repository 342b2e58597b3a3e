/**
 * The check AWS makes of a trail's KmsKeyId before it accepts the trail: the key must exist in the
 * trail's Region (KmsKeyNotFoundException) and its key policy must let `cloudtrail.amazonaws.com`
 * describe the key and make data keys for the trail (InsufficientEncryptionPolicyException: "If
 * cloudtrail.amazonaws.com is not granted those permissions in the key policy, you cannot create or
 * update a trail", encrypting-cloudtrail-log-files-with-aws-kms.html), under the request context
 * delivery will have: aws:SourceArn / aws:SourceAccount naming the trail, the encryption context
 * `aws:cloudtrail:arn` (and S3's `aws:s3:arn`), S3 in between (kms:ViaService).
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
import { randomBytes } from 'node:crypto';
import { PolicyAuthorizer } from '../../authz/policy-authorizer.js';
import { AwsError } from '../../errors.js';
import type { KmsApi } from '../../generated/kms/api.js';
import type { Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import type { ServiceBinding } from '../../server/gateway.js';
import type { TrailKeys } from './deps.js';
import { trailErrors } from './errors.js';
import { cloudtrailPrincipal } from './s3-delivery.js';

export class KmsTrailKeys implements TrailKeys {
  /** The caller is always the CloudTrail service, which has no policies of its own. */
  private readonly authorizer = new PolicyAuthorizer({ policiesFor: async () => ({ identity: [], tags: {} }) });

  /** `binding` is read on first use, like S3's (services are wired after they are built). */
  constructor(private readonly binding: () => ServiceBinding, private readonly clock: Clock) {}

  private context(trail: { arn: string; accountId: string }, operation: string): RequestContext {
    return {
      requestId: randomBytes(8).toString('hex').toUpperCase(), service: 'kms', operation,
      region: trail.arn.split(':')[3] ?? 'us-east-1', accountId: trail.accountId, principal: cloudtrailPrincipal(trail.accountId),
      sourceIp: 'cloudtrail.amazonaws.com', userAgent: 'cloudtrail.amazonaws.com', receivedAt: this.clock.now(), secureTransport: true,
      calledVia: ['s3.amazonaws.com'], source: { arn: trail.arn, account: trail.accountId },
    };
  }

  async check(keyId: string, trail: { arn: string; accountId: string }, bucket: string, keyPrefix: string | undefined): Promise<void> {
    const { provider, actions } = this.binding();
    const region = trail.arn.split(':')[3];
    let arn: string | undefined;
    try {
      arn = (await (provider as Pick<KmsApi, 'describeKey'>).describeKey(this.context(trail, 'DescribeKey'), { KeyId: keyId })).KeyMetadata?.Arn;
    } catch (err) {
      if (err instanceof AwsError && err.code === 'NotFoundException') throw trailErrors.kmsKeyNotFound(keyId);
      throw err;
    }
    if (!arn || arn.split(':')[3] !== region) throw trailErrors.kmsKeyNotFound(keyId);
    const objects = `arn:aws:s3:::${bucket}/${keyPrefix ? `${keyPrefix}/` : ''}AWSLogs/${trail.accountId}/CloudTrail/`;
    const checks: Array<[string, object]> = [
      ['DescribeKey', { KeyId: arn }],
      ['GenerateDataKey', { KeyId: arn, KeySpec: 'AES_256', EncryptionContext: { 'aws:cloudtrail:arn': trail.arn, 'aws:s3:arn': objects } }],
    ];
    for (const [operation, input] of checks) {
      const spec = actions[operation];
      if (!spec) throw new Error(`KMS declares no action for ${operation}`);
      if ((await this.authorizer.authorize(this.context(trail, operation), spec, input)) !== 'allow') throw trailErrors.encryptionPolicy(bucket, arn);
    }
  }
}
