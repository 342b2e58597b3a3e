/**
 * SARIF 2.1.0, as Prowler writes it for code-scanning dashboards: FAIL findings only, one rule
 * per check. The resource is a logical location (its ARN), not a file.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../checks/types.js';
import type { AuditResult } from './model.js';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', informational: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.0', high: '7.0', medium: '4.0', low: '2.0', informational: '0.0' };

export function renderSarif(result: AuditResult): string {
  const rules: Array<Record<string, unknown>> = [];
  const index = new Map<string, number>();
  const results = result.findings.filter((f) => f.status === 'FAIL').map((f) => {
    if (!index.has(f.check.id)) {
      index.set(f.check.id, rules.length);
      rules.push({
        id: f.check.id,
        name: f.check.title,
        shortDescription: { text: f.check.title },
        fullDescription: { text: f.check.risk },
        help: {
          text: `${f.check.remediation}\n${f.check.cli}`,
          markdown: `**${f.check.title}**\n\n${f.check.remediation}\n\n\`\`\`\n${f.check.cli}\n\`\`\``,
        },
        helpUri: f.check.url,
        defaultConfiguration: { level: LEVELS[f.check.severity] },
        properties: {
          tags: ['security', 'coffer/aws', `severity/${f.check.severity}`, ...f.check.cis.map((c) => `cis-3.0/${c}`)],
          'security-severity': SECURITY_SEVERITY[f.check.severity],
        },
      });
    }
    return {
      ruleId: f.check.id,
      ruleIndex: index.get(f.check.id),
      level: LEVELS[f.severity],
      message: { text: f.message },
      locations: [{ logicalLocations: [{ fullyQualifiedName: f.resource.uid, name: f.resource.name, kind: 'resource' }] }],
      partialFingerprints: { 'cofferFinding/v1': createHash('sha256').update(`${f.check.id}\n${f.resource.uid}`).digest('hex') },
      properties: { region: f.resource.region, account: result.account.id },
    };
  });
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'coffer-audit', version: result.tool.version, rules } },
      invocations: [{ executionSuccessful: true, startTimeUtc: result.startedAt }],
      results,
    }],
  }, null, 2) + '\n';
}
