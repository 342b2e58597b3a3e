/** Runs PASS/FAIL case tables over the fixture inventory, one pair per check of the given services. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CHECKS } from '../checks/index.js';
import type { AuditService } from '../checks/types.js';
import { cleanInventory, statuses, type CheckCase } from './fixtures.js';

export function checkCases(services: AuditService[], cases: CheckCase[]): void {
  it(`covers every ${services.join('/')} check with a PASS and a FAIL case`, () => {
    const expected = CHECKS.filter((c) => services.includes(c.service)).map((c) => c.id).sort();
    assert.deepEqual(cases.map((c) => c.id).sort(), expected);
  });
  for (const c of cases) {
    it(`${c.id}: PASS`, () => {
      const inv = cleanInventory();
      c.pass(inv);
      const got = statuses(c.id, inv);
      assert.ok(got.includes('PASS'), `${c.id} passes: ${got.join(',')}`);
      assert.deepEqual(got.filter((s) => s !== 'PASS'), [], c.id);
    });
    it(`${c.id}: FAIL`, () => {
      const inv = cleanInventory();
      c.fail(inv);
      const got = statuses(c.id, inv);
      assert.ok(got.includes('FAIL'), `${c.id} fails: ${got.join(',')}`);
      assert.ok(!got.includes('ERROR'), c.id);
    });
  }
}
