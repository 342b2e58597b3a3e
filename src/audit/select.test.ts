/** Choosing checks and findings, and the exit code. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from './checks/index.js';
import type { Finding, Severity, Status } from './checks/types.js';
import { exitCodeFor, servicesNeeded } from './run.js';
import { filterFindings, parseStatuses, selectChecks, splitList } from './select.js';

const f = (status: Status, severity: Severity): Finding => {
  const { run: _r, ...check } = CHECKS[0]!;
  return { check, status, severity, message: '', resource: { uid: 'a', name: 'a', region: 'global' } };
};

describe('selection', () => {
  it('takes lists space- or comma-separated', () => {
    assert.deepEqual(splitList(['s3,iam', 'kms']), ['s3', 'iam', 'kms']);
    assert.equal(splitList(undefined), undefined);
  });

  it('filters by service, check, exclusion, severity and framework', () => {
    assert.ok(selectChecks({ services: ['kms'] }).every((c) => c.service === 'kms'));
    assert.deepEqual(selectChecks({ checks: ['iam_root_mfa_enabled', 's3_bucket_object_lock'] }).map((c) => c.id), ['iam_root_mfa_enabled', 's3_bucket_object_lock']);
    assert.ok(!selectChecks({ services: ['iam'], excludedChecks: ['iam_root_mfa_enabled'] }).some((c) => c.id === 'iam_root_mfa_enabled'));
    assert.ok(selectChecks({ severities: ['critical'] }).every((c) => c.severity === 'critical'));
    const cis = selectChecks({ compliance: ['cis_3.0_aws'] });
    assert.ok(cis.length > 30 && cis.every((c) => c.cis.length > 0));
  });

  it('refuses names it does not know, saying which', () => {
    assert.throws(() => selectChecks({ services: ['rds'] }), /unknown service: rds/);
    assert.throws(() => selectChecks({ checks: ['iam_nope'] }), /unknown check: iam_nope/);
    assert.throws(() => selectChecks({ compliance: ['cis_1.4_aws'] }), /unknown compliance framework: cis_1\.4_aws/);
    assert.throws(() => parseStatuses(['WARN']), /unknown status: WARN/);
    assert.deepEqual(parseStatuses(['fail']), ['FAIL']);
  });

  it('collects only the services the checks read', () => {
    assert.deepEqual(servicesNeeded(selectChecks({ services: ['cloudtrail'] })), ['cloudtrail', 's3']);
    assert.deepEqual(servicesNeeded(selectChecks({ services: ['vpc'] })), ['ec2']);
  });

  it('filters findings by status', () => {
    assert.deepEqual(filterFindings([f('PASS', 'low'), f('FAIL', 'low')], ['FAIL']).map((x) => x.status), ['FAIL']);
  });

  it('exits 3 for a FAIL at or above the threshold, 0 otherwise or when told to ignore failures', () => {
    assert.equal(exitCodeFor([f('PASS', 'critical'), f('FAIL', 'low')], 'low', false), 3);
    assert.equal(exitCodeFor([f('FAIL', 'low')], 'high', false), 0);
    assert.equal(exitCodeFor([f('FAIL', 'critical')], 'high', false), 3);
    assert.equal(exitCodeFor([f('ERROR', 'critical'), f('MANUAL', 'critical')], 'low', false), 0);
    assert.equal(exitCodeFor([f('FAIL', 'critical')], 'low', true), 0);
  });
});
