import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aclCases } from './decision-table/acl.cases.js';
import { conditionCases } from './decision-table/conditions.cases.js';
import { elementCases } from './decision-table/elements.cases.js';
import { kmsCases } from './decision-table/kms.cases.js';
import { logicCases } from './decision-table/logic.cases.js';
import { evaluate } from './evaluate.js';

/**
 * The decision table: every case's expected answer is taken from the AWS documentation page and
 * section it cites (policy evaluation logic, cross-account logic, permissions boundaries, session
 * policies, condition operators, policy variables, KMS key policies and grants, S3 ACL grants).
 */
const tables = { logic: logicCases, kms: kmsCases, conditions: conditionCases, elements: elementCases, acl: aclCases };
const all = Object.values(tables).flat();

describe('policy evaluation decision table', () => {
  it('has at least 150 cases, each citing AWS documentation, with unique names', () => {
    assert.ok(all.length >= 150, `only ${all.length} cases`);
    for (const c of all) assert.match(c.doc, /^https:\/\/docs\.aws\.amazon\.com\/[^ ]+\.html(#[\w-]+)?$/, c.name);
    assert.equal(new Set(all.map((c) => c.name)).size, all.length, 'duplicate case names');
  });

  it('covers all three decisions', () => {
    for (const d of ['allowed', 'explicitDeny', 'implicitDeny'] as const) assert.ok(all.some((c) => c.expect === d), d);
  });

  for (const [table, cases] of Object.entries(tables)) {
    describe(table, () => {
      for (const c of cases) {
        it(c.name, () => {
          const { decision } = evaluate(c.req);
          assert.equal(decision, c.expect, `${c.name} (${c.doc})`);
        });
      }
    });
  }
});
