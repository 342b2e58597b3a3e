/** Prowler's CSV output: semicolon-separated, one row per finding, Prowler's column names. */
import { findingUid, type AuditResult } from './model.js';

const COLUMNS = [
  'TIMESTAMP', 'ACCOUNT_UID', 'FINDING_UID', 'PROVIDER', 'CHECK_ID', 'CHECK_TITLE', 'STATUS', 'STATUS_EXTENDED', 'SERVICE_NAME',
  'SEVERITY', 'RESOURCE_TYPE', 'RESOURCE_UID', 'RESOURCE_NAME', 'PARTITION', 'REGION', 'RISK', 'RELATED_URL',
  'REMEDIATION_RECOMMENDATION_TEXT', 'REMEDIATION_RECOMMENDATION_URL', 'REMEDIATION_CODE_CLI', 'COMPLIANCE',
] as const;

/**
 * One CSV field: quoted when it holds the separator, a quote or a line break; a leading = + - @
 * is defused with an apostrophe so a spreadsheet never runs a resource name as a formula.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(result: AuditResult): string {
  const rows = result.findings.map((f) => {
    const row: Record<(typeof COLUMNS)[number], string> = {
      TIMESTAMP: result.startedAt, ACCOUNT_UID: result.account.id, FINDING_UID: findingUid(result, f), PROVIDER: 'aws',
      CHECK_ID: f.check.id, CHECK_TITLE: f.check.title, STATUS: f.status, STATUS_EXTENDED: f.message, SERVICE_NAME: f.check.service,
      SEVERITY: f.severity, RESOURCE_TYPE: f.check.resourceType, RESOURCE_UID: f.resource.uid, RESOURCE_NAME: f.resource.name,
      PARTITION: result.account.partition, REGION: f.resource.region, RISK: f.check.risk, RELATED_URL: f.check.url,
      REMEDIATION_RECOMMENDATION_TEXT: f.check.remediation, REMEDIATION_RECOMMENDATION_URL: f.check.url,
      REMEDIATION_CODE_CLI: f.check.cli, COMPLIANCE: f.check.cis.length > 0 ? `CIS-3.0: ${f.check.cis.join(', ')}` : '',
    };
    return COLUMNS.map((c) => csvField(row[c])).join(';');
  });
  return [COLUMNS.join(';'), ...rows].join('\n') + '\n';
}

/** The compliance CSV (Prowler writes one per framework under output/compliance/). */
export function renderComplianceCsv(result: AuditResult): string {
  const header = ['FRAMEWORK', 'REQUIREMENT_ID', 'SECTION', 'PROFILE', 'TITLE', 'STATUS', 'CHECKS', 'PASS', 'FAIL', 'MANUAL', 'ERROR', 'NOTES'];
  const rows = (result.compliance ?? []).map((c) => [
    'CIS-3.0', c.control.id, c.control.section, `Level ${c.control.level}`, c.control.title, c.status, c.checks.join(' '),
    String(c.counts.PASS), String(c.counts.FAIL), String(c.counts.MANUAL), String(c.counts.ERROR), c.control.manual ?? '',
  ].map(csvField).join(';'));
  return [header.join(';'), ...rows].join('\n') + '\n';
}
