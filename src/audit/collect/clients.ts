/**
 * AWS SDK for JavaScript v3 clients for the collectors: the standard credential chain (or a named
 * profile), an optional endpoint override (`--endpoint-url`; the SDK itself also honours
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>), one client per service and Region, reused.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AuditClients } from './client-set.js';

export interface ClientOptions {
  /** A profile of the shared config/credentials files; the default chain when absent. */
  profile?: string;
  /** An endpoint for every service (an AWS-compatible server, a VPC endpoint, a proxy). */
  endpoint?: string;
  /** The environment, for the endpoint variables S3 addressing depends on. */
  env?: NodeJS.ProcessEnv;
}

/** Identifies the auditor in the audited account's CloudTrail. */
const USER_AGENT = 'coffer-audit';
/** IAM throttles bursts of reads in large accounts: retry (with the SDK's backoff) rather than record an error. */
const MAX_ATTEMPTS = 6;

/** Whether a service's endpoint is overridden (flag, AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL). */
function endpointOverridden(options: ClientOptions, service: 'S3' | 'S3_CONTROL'): boolean {
  const env = options.env ?? process.env;
  return Boolean(options.endpoint || env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL);
}

/** The Region the SDK would pick (AWS_REGION, the profile's region), else us-east-1. */
export async function defaultRegion(options: ClientOptions): Promise<string> {
  const probe = new STSClient({ profile: options.profile });
  try {
    return (await probe.config.region()) || 'us-east-1';
  } catch {
    // "Region is missing": no Region configured anywhere.
    return 'us-east-1';
  } finally {
    probe.destroy();
  }
}

type Client = { destroy(): void };

/** Lazily built clients, one per service and Region. */
export class Clients implements AuditClients {
  private readonly cache = new Map<string, Client>();

  constructor(private readonly options: ClientOptions, readonly homeRegion: string) {}

  private get<C extends Client>(key: string, make: () => C): C {
    let client = this.cache.get(key) as C | undefined;
    if (!client) {
      client = make();
      this.cache.set(key, client);
    }
    return client;
  }

  private common(region: string) {
    return { region, profile: this.options.profile, endpoint: this.options.endpoint, customUserAgent: USER_AGENT, maxAttempts: MAX_ATTEMPTS };
  }

  sts(): STSClient {
    return this.get('sts', () => new STSClient(this.common(this.homeRegion)));
  }

  iam(): IAMClient {
    return this.get('iam', () => new IAMClient(this.common(this.homeRegion)));
  }

  s3(region = this.homeRegion): S3Client {
    // Bucket names as host names only work on AWS's own endpoints: an override gets path-style URLs.
    return this.get(`s3:${region}`, () => new S3Client({ ...this.common(region), forcePathStyle: endpointOverridden(this.options, 'S3') }));
  }

  kms(region: string): KMSClient {
    return this.get(`kms:${region}`, () => new KMSClient(this.common(region)));
  }

  cloudtrail(region: string): CloudTrailClient {
    return this.get(`cloudtrail:${region}`, () => new CloudTrailClient(this.common(region)));
  }

  ec2(region: string): EC2Client {
    return this.get(`ec2:${region}`, () => new EC2Client(this.common(region)));
  }

  /**
   * Settings for an S3 Control client (built where its optional package is loaded): S3 Control
   * puts the account id in front of the host name, which an endpoint override cannot take.
   */
  s3ControlConfig(): Record<string, unknown> {
    return { ...this.common(this.homeRegion), ...(endpointOverridden(this.options, 'S3_CONTROL') ? { disableHostPrefix: true } : {}) };
  }

  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }
}
