/** Choosing checks (`--services`, `--checks`, `--excluded-checks`, `--severity`, `--compliance`) and findings (`--status`). */
import { CHECKS } from './checks/index.js';
import { AUDIT_SERVICES, SEVERITIES, STATUSES, type AuditService, type Check, type Finding, type Severity, type Status } from './checks/types.js';
import { CIS_3_0 } from './compliance/cis-3.0.js';

/** Compliance frameworks `--compliance` knows. */
export const FRAMEWORKS = [CIS_3_0] as const;

export interface Selection {
  services?: string[];
  checks?: string[];
  excludedChecks?: string[];
  severities?: string[];
  compliance?: string[];
}

/** Splits repeated and comma-separated option values: `--services s3,iam kms`. */
export function splitList(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const out = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return out.length > 0 ? out : undefined;
}

function unknown(kind: string, bad: string[], known: readonly string[]): Error {
  return new Error(`unknown ${kind}: ${bad.join(', ')} (known: ${known.join(', ')})`);
}

function validate<T extends string>(kind: string, values: string[] | undefined, known: readonly T[]): T[] | undefined {
  if (!values) return undefined;
  const bad = values.filter((v) => !known.includes(v as T));
  if (bad.length > 0) throw unknown(kind, bad, known);
  return values as T[];
}

/** The checks a selection names, in registry order. Throws on names it does not know. */
export function selectChecks(sel: Selection, all: readonly Check[] = CHECKS): Check[] {
  const ids = all.map((c) => c.id);
  const services = validate<AuditService>('service', sel.services, AUDIT_SERVICES);
  const severities = validate<Severity>('severity', sel.severities, SEVERITIES);
  validate('compliance framework', sel.compliance, FRAMEWORKS);
  for (const list of [sel.checks, sel.excludedChecks]) {
    const bad = (list ?? []).filter((id) => !ids.includes(id));
    if (bad.length > 0) throw new Error(`unknown check: ${bad.join(', ')} (see --list-checks)`);
  }
  return all.filter((c) => (!sel.checks || sel.checks.includes(c.id))
    && (!services || services.includes(c.service))
    && (!severities || severities.includes(c.severity))
    && (!sel.compliance || c.cis.length > 0)
    && !(sel.excludedChecks ?? []).includes(c.id));
}

/** The statuses `--status` names, validated. */
export function parseStatuses(values: string[] | undefined): Status[] | undefined {
  return validate<Status>('status', values?.map((v) => v.toUpperCase()), STATUSES);
}

/** Findings with one of the statuses (all of them when none is given). */
export function filterFindings(findings: readonly Finding[], statuses: Status[] | undefined): Finding[] {
  return statuses ? findings.filter((f) => statuses.includes(f.status)) : [...findings];
}
