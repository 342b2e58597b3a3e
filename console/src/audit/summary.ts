/**
 * The last audit's score, by severity, kept for the Overview page: counts only (no resource
 * names), in this tab's sessionStorage under the account's id, forgotten on sign-out.
 */
import { SEVERITIES, type Finding, type Severity } from '../../../src/audit/checks/types';

/** Prowler's severities, most severe first. */
export const SEVERITY_ORDER = SEVERITIES;

export interface SeverityCounts { pass: number; fail: number; manual: number; error: number }

export interface AuditSummary {
  finishedAt: string;
  account: string;
  region: string;
  bySeverity: Record<Severity, SeverityCounts>;
}

const PREFIX = 'coffer.audit.';

/** Counts of each status per severity. */
export function summarize(findings: readonly Finding[]): Record<Severity, SeverityCounts> {
  const out = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, { pass: 0, fail: 0, manual: 0, error: 0 }])) as Record<Severity, SeverityCounts>;
  for (const f of findings) out[f.severity][f.status.toLowerCase() as keyof SeverityCounts]++;
  return out;
}

/** The share of judged results that passed (PASS / (PASS + FAIL)), as a whole percentage; undefined when nothing was judged. */
export function score(c: SeverityCounts): number | undefined {
  const judged = c.pass + c.fail;
  return judged === 0 ? undefined : Math.round((100 * c.pass) / judged);
}

/** The score over every severity. */
export function overallScore(by: Record<Severity, SeverityCounts>): number | undefined {
  return score(Object.values(by).reduce((a, c) => ({ pass: a.pass + c.pass, fail: a.fail + c.fail, manual: 0, error: 0 }), { pass: 0, fail: 0, manual: 0, error: 0 }));
}

export function saveSummary(summary: AuditSummary): void {
  sessionStorage.setItem(PREFIX + summary.account, JSON.stringify(summary));
}

export function loadSummary(account: string): AuditSummary | undefined {
  try {
    const text = sessionStorage.getItem(PREFIX + account);
    return text ? (JSON.parse(text) as AuditSummary) : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets every account's summary (sign-out). */
export function clearSummaries(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
}
