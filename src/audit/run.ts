/**
 * Judging: every selected check over one inventory. A check that throws is reported as ERROR for
 * the account (a bug, or data it did not expect), never allowed to stop the other checks.
 */
import type { Inventory, InventoryService } from './inventory.js';
import type { Check, Finding, Severity } from './checks/types.js';
import { SEVERITIES } from './checks/types.js';

/** Runs the checks over the inventory, in the checks' order. */
export function runChecks(checks: readonly Check[], inventory: Inventory): Finding[] {
  return checks.flatMap((check) => {
    const { run, ...meta } = check;
    try {
      return run(inventory).map((r) => ({ check: meta, status: r.status, message: r.message, resource: r.resource, severity: r.severity ?? check.severity }));
    } catch (err) {
      return [{
        check: meta, status: 'ERROR' as const, severity: check.severity,
        message: `The check failed on this inventory: ${(err as Error).message}`,
        resource: { uid: `arn:${inventory.account.partition}:${check.service}::${inventory.account.id}:account`, name: inventory.account.id, region: 'global' },
      }];
    }
  });
}

/** The inventory sections the checks read. */
export function servicesNeeded(checks: readonly Check[]): InventoryService[] {
  return [...new Set(checks.flatMap((c) => c.uses))].sort();
}

/** Whether a severity is at least as severe as `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

/** Prowler's exit code: 3 when a FAIL at or above the threshold remains (unless ignored), else 0. */
export function exitCodeFor(findings: readonly Finding[], threshold: Severity, ignoreFailures: boolean): 0 | 3 {
  if (ignoreFailures) return 0;
  return findings.some((f) => f.status === 'FAIL' && atLeast(f.severity, threshold)) ? 3 : 0;
}
