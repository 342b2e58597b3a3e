/**
 * OCSF Detection Finding records (class 2004), one per finding, in a JSON array, as Prowler writes
 * its `.ocsf.json` output: https://schema.ocsf.io/classes/detection_finding
 */
import type { Finding, Severity } from '../checks/types.js';
import { findingUid, type AuditResult } from './model.js';

const OCSF_VERSION = '1.5.0';

/** OCSF severity_id: 1 Informational ... 5 Critical. */
const SEVERITY_IDS: Record<Severity, number> = { informational: 1, low: 2, medium: 3, high: 4, critical: 5 };

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** One finding as an OCSF Detection Finding. */
export function toOcsf(result: AuditResult, f: Finding): Record<string, unknown> {
  const time = Math.floor(new Date(result.startedAt).getTime() / 1000);
  return {
    message: f.message,
    metadata: {
      event_code: f.check.id,
      product: { name: 'Coffer', uid: 'coffer-audit', vendor_name: 'Coffer', version: result.tool.version },
      profiles: ['cloud', 'datetime'],
      version: OCSF_VERSION,
    },
    severity_id: SEVERITY_IDS[f.severity],
    severity: capitalize(f.severity),
    status: 'New',
    status_id: 1,
    status_code: f.status,
    status_detail: f.message,
    activity_id: 1,
    activity_name: 'Create',
    category_name: 'Findings',
    category_uid: 2,
    class_name: 'Detection Finding',
    class_uid: 2004,
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    finding_info: {
      created_time: time,
      created_time_dt: result.startedAt,
      desc: f.check.risk,
      title: f.check.title,
      uid: findingUid(result, f),
      name: f.resource.name,
      types: [f.check.service],
      analytic: { name: f.check.title, uid: f.check.id, type_id: 1, type: 'Rule', category: f.check.service },
    },
    resources: [{
      cloud_partition: result.account.partition,
      region: f.resource.region,
      group: { name: f.check.service },
      labels: [],
      name: f.resource.name,
      type: f.check.resourceType,
      uid: f.resource.uid,
      data: { details: f.message, metadata: {} },
    }],
    cloud: {
      account: { name: '', type: 'AWS Account', type_id: 10, uid: result.account.id, labels: [] },
      org: {},
      provider: 'aws',
      region: f.resource.region,
    },
    remediation: { desc: f.check.remediation, references: [f.check.url] },
    risk_details: f.check.risk,
    time,
    time_dt: result.startedAt,
    unmapped: {
      related_url: f.check.url,
      remediation_code_cli: f.check.cli,
      compliance: f.check.cis.length > 0 ? { 'CIS-3.0': f.check.cis } : {},
      categories: [],
      provider_uid: result.account.id,
      provider: 'aws',
    },
  };
}

/** The whole run as Prowler's JSON-OCSF file: an array of Detection Findings. */
export function renderOcsf(result: AuditResult): string {
  return JSON.stringify(result.findings.map((f) => toOcsf(result, f)), null, 2) + '\n';
}
