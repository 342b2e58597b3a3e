/** CIS v3.0: every control listed, each either implemented by checks or MANUAL with a reason. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from '../checks/index.js';
import type { Finding, Status } from '../checks/types.js';
import { assessCis, checksFor, CIS_3_0_CONTROLS } from './cis-3.0.js';

function finding(checkId: string, status: Status): Finding {
  const { run: _r, ...check } = CHECKS.find((c) => c.id === checkId)!;
  return { check, status, message: '', severity: check.severity, resource: { uid: 'arn', name: 'n', region: 'us-east-1' } };
}

describe('CIS AWS Foundations Benchmark v3.0.0', () => {
  it('lists its 62 controls once each', () => {
    assert.equal(CIS_3_0_CONTROLS.length, 62);
    assert.equal(new Set(CIS_3_0_CONTROLS.map((c) => c.id)).size, 62);
  });

  it('covers each control with checks, or says why it is manual', () => {
    for (const control of CIS_3_0_CONTROLS) {
      const checks = checksFor(control);
      assert.ok((checks.length > 0) !== (control.manual !== undefined), `${control.id}: checks or a reason, not both`);
    }
    const manual = CIS_3_0_CONTROLS.filter((c) => c.manual).map((c) => c.id);
    for (const id of ['1.1', '1.2', '1.3', '1.20', '2.1.3', '2.3.1', '2.4.1', '3.3', '4.1', '4.16']) assert.ok(manual.includes(id), id);
    for (const id of ['1.4', '1.5', '1.10', '1.12', '1.14', '1.16', '2.1.1', '2.1.4', '2.2.1', '3.1', '3.2', '3.5', '3.6', '3.8', '5.2', '5.4', '5.6']) assert.ok(!manual.includes(id), id);
  });

  it('judges a control by its worst finding: FAIL, then ERROR, then MANUAL, then PASS; N/A without findings', () => {
    const of = (findings: Finding[], id: string) => assessCis(findings).find((r) => r.control.id === id)!.status;
    assert.equal(of([finding('iam_user_accesskey_unused', 'PASS'), finding('iam_user_console_access_unused', 'FAIL')], '1.12'), 'FAIL');
    assert.equal(of([finding('iam_user_accesskey_unused', 'PASS'), finding('iam_user_console_access_unused', 'ERROR')], '1.12'), 'ERROR');
    assert.equal(of([finding('s3_account_level_public_access_blocks', 'MANUAL'), finding('s3_bucket_level_public_access_block', 'PASS')], '2.1.4'), 'MANUAL');
    assert.equal(of([finding('iam_no_root_access_key', 'PASS')], '1.4'), 'PASS');
    assert.equal(of([], '1.19'), 'N/A');
    assert.equal(of([], '4.3'), 'MANUAL');
  });
});
