/**
 * Runs `coffer audit`'s own collectors and checks in the browser, as the signed-in identity: the
 * same collect/core.ts and checks/ modules the CLI runs, with SDK clients pointed at this origin.
 * The page imports this module lazily, so the EC2 client and the checks load only for an audit.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { CHECKS } from '../../../src/audit/checks/index';
import type { CheckMeta, Finding } from '../../../src/audit/checks/types';
import type { AuditClients } from '../../../src/audit/collect/client-set';
import { collectWith } from '../../../src/audit/collect/core';
import { runChecks, servicesNeeded } from '../../../src/audit/run';
import type { Credentials } from '../session';

/** Identifies the auditor's calls in the trail, as the CLI does. */
const USER_AGENT = 'coffer-audit';

/** What one audit produced. */
export interface AuditRun {
  startedAt: string;
  finishedAt: string;
  account: string;
  region: string;
  /** API calls the collection made. */
  calls: number;
  checks: CheckMeta[];
  findings: Finding[];
}

/** The clients of one audit: same origin, the session's credentials, one per service and Region. */
class BrowserClients implements AuditClients {
  private readonly cache = new Map<string, { destroy(): void }>();

  constructor(private readonly credentials: Credentials, readonly homeRegion: string) {}

  private get<C extends { destroy(): void }>(key: string, make: (config: ReturnType<BrowserClients['common']>) => C, region: string): C {
    let client = this.cache.get(key) as C | undefined;
    if (!client) {
      client = make(this.common(region));
      this.cache.set(key, client);
    }
    return client;
  }

  private common(region: string) {
    return { region, endpoint: window.location.origin, credentials: this.credentials, customUserAgent: USER_AGENT, maxAttempts: 3 };
  }

  sts() { return this.get('sts', (c) => new STSClient(c), this.homeRegion); }
  iam() { return this.get('iam', (c) => new IAMClient(c), this.homeRegion); }
  s3(region = this.homeRegion) { return this.get(`s3:${region}`, (c) => new S3Client({ ...c, forcePathStyle: true }), region); }
  kms(region: string) { return this.get(`kms:${region}`, (c) => new KMSClient(c), region); }
  cloudtrail(region: string) { return this.get(`cloudtrail:${region}`, (c) => new CloudTrailClient(c), region); }
  ec2(region: string) { return this.get(`ec2:${region}`, (c) => new EC2Client(c), region); }

  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }
}

/**
 * Collects the inventory of the session's Region with read-only calls and runs every check over
 * it. `onCall` is told of each finished API call (for the progress line).
 */
export async function runAudit(credentials: Credentials, region: string, onCall: (calls: number) => void): Promise<AuditRun> {
  const startedAt = new Date().toISOString();
  const clients = new BrowserClients(credentials, region);
  let calls = 0;
  try {
    const inventory = await collectWith(clients, { regions: [region], services: servicesNeeded(CHECKS), endpoint: window.location.origin }, {
      stage() {},
      call() { onCall(++calls); },
    });
    const findings = runChecks(CHECKS, inventory);
    return {
      startedAt, finishedAt: new Date().toISOString(), account: inventory.account.id, region, calls,
      checks: CHECKS.map(({ run: _run, ...meta }) => meta), findings,
    };
  } finally {
    clients.destroy();
  }
}
