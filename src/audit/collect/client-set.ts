/**
 * The SDK clients a collection reads through, as an interface: the CLI builds them from the
 * standard credential chain (clients.ts, Node only), the web console from the signed-in
 * identity's credentials and its own origin. The collectors see only this, so they bundle for the
 * browser unchanged.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';

/** One client per service and Region, built on first use and reused. */
export interface AuditClients {
  /** Where global calls (STS, IAM, ListBuckets) go. */
  readonly homeRegion: string;
  sts(): STSClient;
  iam(): IAMClient;
  s3(region?: string): S3Client;
  kms(region: string): KMSClient;
  cloudtrail(region: string): CloudTrailClient;
  ec2(region: string): EC2Client;
  /**
   * Settings for an S3 Control client, where one can be loaded (its package is optional, and the
   * browser build has none): absent means the account-level Block Public Access is `unavailable`.
   */
  s3ControlConfig?(): Record<string, unknown>;
  destroy(): void;
}
