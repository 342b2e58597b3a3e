/**
 * The terminal report: findings grouped by service, then by check (its title, severity and the
 * command that fixes it, once), then one line per resource; a summary table by service and
 * severity; the CIS v3.0 verdicts when asked for. Colour only on a terminal (and not with NO_COLOR).
 */
import type { Finding, Severity, Status } from '../checks/types.js';
import { AUDIT_SERVICES, SEVERITIES } from '../checks/types.js';
import { SERVICE_LABELS, summarize, type AuditResult } from './model.js';

export interface TableOptions {
  color: boolean;
  /** Statuses listed in detail (the others are only counted). */
  detail: Status[];
  width: number;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
type Paint = (style: keyof typeof CODES, text: string) => string;

const STATUS_STYLE: Record<Status, keyof typeof CODES> = { PASS: 'green', FAIL: 'red', MANUAL: 'yellow', ERROR: 'magenta' };
const SEVERITY_STYLE: Record<Severity, keyof typeof CODES> = { critical: 'red', high: 'red', medium: 'yellow', low: 'blue', informational: 'gray' };

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function clip(text: string, width: number): string {
  return width > 1 && text.length > width ? text.slice(0, width - 1) + '…' : text;
}

function findingLines(findings: Finding[], paint: Paint, width: number): string[] {
  const lines: string[] = [];
  const byCheck = new Map<string, Finding[]>();
  for (const f of findings) byCheck.set(f.check.id, [...(byCheck.get(f.check.id) ?? []), f]);
  for (const group of byCheck.values()) {
    const c = group[0]!.check;
    lines.push(`  ${paint(SEVERITY_STYLE[c.severity], pad(c.severity, 13))} ${paint('bold', c.id)}`);
    lines.push(`  ${' '.repeat(13)} ${paint('gray', clip(c.title + (c.cis.length ? ` · CIS ${c.cis.join(', ')}` : ''), width - 16))}`);
    for (const f of group) {
      const where = `${f.resource.region} ${f.resource.name}`;
      lines.push(`    ${paint(STATUS_STYLE[f.status], pad(f.status, 6))} ${clip(`${where} · ${f.message}`, width - 12)}`);
    }
    if (group.some((f) => f.status === 'FAIL')) lines.push(`    ${paint('cyan', 'fix')}    ${clip(c.cli, width - 12)}`);
    lines.push('');
  }
  return lines;
}

function summaryLines(result: AuditResult, paint: Paint): string[] {
  const s = summarize(result.findings);
  const head = ['Service', 'PASS', 'FAIL', 'MANUAL', 'ERROR', ...SEVERITIES.slice(0, 4).map((v) => v.charAt(0).toUpperCase() + v.slice(1))];
  const widths = [12, 6, 6, 8, 7, 10, 6, 8, 5];
  const row = (cells: string[]) => '  ' + cells.map((c, i) => (i === 0 ? pad(c, widths[i]!) : c.padStart(widths[i]!))).join(' ');
  const lines = [paint('bold', 'Summary') + paint('gray', ' (failed findings by severity on the right)'), paint('gray', row(head))];
  for (const svc of s.byService) {
    lines.push(row([SERVICE_LABELS[svc.service], ...(['PASS', 'FAIL', 'MANUAL', 'ERROR'] as Status[]).map((st) => String(svc.counts[st])),
      ...SEVERITIES.slice(0, 4).map((v) => String(svc.failBySeverity[v]))]));
  }
  lines.push(paint('bold', row(['Total', ...(['PASS', 'FAIL', 'MANUAL', 'ERROR'] as Status[]).map((st) => String(s.byStatus[st])),
    ...SEVERITIES.slice(0, 4).map((v) => String(s.failBySeverity[v]))])));
  return lines;
}

function complianceLines(result: AuditResult, paint: Paint, width: number): string[] {
  if (!result.compliance) return [];
  const lines = ['', paint('bold', 'CIS AWS Foundations Benchmark v3.0.0')];
  for (const c of result.compliance) {
    const style = c.status === 'N/A' ? 'gray' : STATUS_STYLE[c.status];
    lines.push(`  ${pad(c.control.id, 6)} ${paint(style, pad(c.status, 6))} ${clip(`L${c.control.level} ${c.control.title}`, width - 18)}`);
  }
  const count = (st: string) => result.compliance!.filter((c) => c.status === st).length;
  lines.push(paint('gray', `  ${count('PASS')} pass, ${count('FAIL')} fail, ${count('MANUAL')} manual, ${count('ERROR')} error, ${count('N/A')} without resources, of ${result.compliance.length} controls`));
  return lines;
}

/** The report as terminal text. */
export function renderTable(result: AuditResult, options: TableOptions): string {
  const paint: Paint = options.color ? (style, text) => `\x1b[${CODES[style]}m${text}\x1b[0m` : (_s, text) => text;
  const width = Math.max(60, options.width);
  const lines = [
    `${paint('bold', 'Coffer audit')} · account ${result.account.id} · ${result.regions.length} Region${result.regions.length === 1 ? '' : 's'} · ${result.checks.length} checks · ${result.startedAt}`,
    paint('gray', `  as ${result.account.arn}`),
    '',
  ];
  const shown = result.findings.filter((f) => options.detail.includes(f.status));
  for (const service of AUDIT_SERVICES.filter((svc) => shown.some((f) => f.check.service === svc))) {
    lines.push(paint('bold', `${SERVICE_LABELS[service]} ${'─'.repeat(Math.max(0, Math.min(width, 100) - SERVICE_LABELS[service].length - 1))}`));
    lines.push(...findingLines(shown.filter((f) => f.check.service === service), paint, width));
  }
  if (shown.length === 0) lines.push(`No ${options.detail.join('/')} findings.`, '');
  lines.push(...summaryLines(result, paint), ...complianceLines(result, paint, width));
  return lines.join('\n') + '\n';
}
