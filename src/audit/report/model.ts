/** What every report format is written from: the run's findings with their context, and counts. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Inventory } from '../inventory.js';
import { AUDIT_SERVICES, SEVERITIES, STATUSES, type AuditService, type CheckMeta, type Finding, type Severity, type Status } from '../checks/types.js';
import type { ControlResult } from '../compliance/cis-3.0.js';

export interface AuditResult {
  tool: { name: string; version: string };
  /** When the run started (the time every finding carries). */
  startedAt: string;
  account: Inventory['account'];
  regions: string[];
  /** The checks that ran. */
  checks: CheckMeta[];
  /** What the reports show (after `--status`). */
  findings: Finding[];
  /** CIS v3.0 verdicts, when `--compliance cis_3.0_aws` was asked for. */
  compliance?: ControlResult[];
}

/** The project's version, from the package.json above this file (src/ or dist/src/). */
export function toolVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
}

export interface Summary {
  byStatus: Record<Status, number>;
  /** FAIL findings by severity. */
  failBySeverity: Record<Severity, number>;
  byService: Array<{ service: AuditService; counts: Record<Status, number>; failBySeverity: Record<Severity, number> }>;
}

function zeroStatus(): Record<Status, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
}

function zeroSeverity(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

/** Counts by status, FAIL counts by severity, and both per service (services with findings only). */
export function summarize(findings: readonly Finding[]): Summary {
  const byStatus = zeroStatus();
  const failBySeverity = zeroSeverity();
  const services = new Map<AuditService, { counts: Record<Status, number>; failBySeverity: Record<Severity, number> }>();
  for (const f of findings) {
    byStatus[f.status]++;
    let s = services.get(f.check.service);
    if (!s) services.set(f.check.service, (s = { counts: zeroStatus(), failBySeverity: zeroSeverity() }));
    s.counts[f.status]++;
    if (f.status === 'FAIL') {
      failBySeverity[f.severity]++;
      s.failBySeverity[f.severity]++;
    }
  }
  const byService = AUDIT_SERVICES.filter((s) => services.has(s)).map((service) => ({ service, ...services.get(service)! }));
  return { byStatus, failBySeverity, byService };
}

/** A stable id for a finding: the same check on the same resource gets the same id run after run. */
export function findingUid(result: AuditResult, f: Finding): string {
  return `coffer-aws-${f.check.id}-${result.account.id}-${f.resource.region}-${f.resource.uid}`;
}

/** Service names as people write them. */
export const SERVICE_LABELS: Record<AuditService, string> = {
  iam: 'IAM', s3: 'S3', kms: 'KMS', cloudtrail: 'CloudTrail', ec2: 'EC2', vpc: 'VPC',
};
