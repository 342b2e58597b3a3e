/**
 * Properties every check must have: complete metadata, CIS ids that exist, nothing flagged on a
 * clean account, and never a PASS (or FAIL) on data that could not be read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fetched, Inventory } from '../inventory.js';
import { CIS_3_0_CONTROLS } from '../compliance/cis-3.0.js';
import { runChecks } from '../run.js';
import { cleanInventory, results } from '../testing/fixtures.js';
import { CHECKS } from './index.js';
import { AUDIT_SERVICES, SEVERITIES, type Check } from './types.js';

/** Every Fetched value of the inventory replaced by an error; the trails list (not fetched itself) emptied. */
function failEverything(inv: Inventory): Inventory {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    if (o.ok === true && 'value' in o) return { ok: false, error: { operation: 'Op', code: 'AccessDenied', message: 'refused', kind: 'error' } } satisfies Fetched<never>;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  const out = walk(inv) as Inventory;
  out.cloudtrail!.trails = [];
  return out;
}

describe('check registry', () => {
  it('has at least 60 checks over IAM, S3, KMS, CloudTrail and EC2, each id once', () => {
    assert.ok(CHECKS.length >= 60, `${CHECKS.length} checks`);
    assert.equal(new Set(CHECKS.map((c) => c.id)).size, CHECKS.length);
    for (const service of ['iam', 's3', 'kms', 'cloudtrail', 'ec2']) assert.ok(CHECKS.some((c) => c.service === service), service);
  });

  it('gives every check its data: title, severity, service, resource type, risk, remediation, CLI, reference', () => {
    for (const c of CHECKS) {
      assert.match(c.id, /^[a-z0-9]+(_[a-z0-9]+)+$/, c.id);
      assert.ok(c.id.startsWith(`${c.service}_`), `${c.id} starts with its service`);
      for (const field of ['title', 'risk', 'remediation', 'cli', 'resourceType'] as const) assert.ok(c[field].length > 5, `${c.id}.${field}`);
      assert.ok(SEVERITIES.includes(c.severity), c.id);
      assert.ok(AUDIT_SERVICES.includes(c.service), c.id);
      assert.match(c.url, /^https:\/\/docs\.aws\.amazon\.com\//, c.id);
      assert.ok(c.uses.length > 0, c.id);
      // Every fix names a command of the aws CLI, or says plainly it is a console task.
      assert.match(c.cli, /^(aws [a-z0-9-]+ [a-z0-9-]+|# Console only)/, c.id);
    }
  });

  it('maps checks only to CIS v3.0 controls that exist', () => {
    const ids = new Set(CIS_3_0_CONTROLS.map((c) => c.id));
    for (const c of CHECKS) for (const id of c.cis) assert.ok(ids.has(id), `${c.id} -> ${id}`);
  });
});

describe('every check', () => {
  it('flags nothing on a clean account', () => {
    const inv = cleanInventory();
    for (const c of CHECKS) {
      const bad = results(c.id, inv).filter((r) => r.status !== 'PASS');
      assert.deepEqual(bad, [], c.id);
    }
  });

  it('reports ERROR (never PASS or FAIL) when the data it needs could not be read', () => {
    const inv = failEverything(cleanInventory());
    for (const c of CHECKS) {
      const out = results(c.id, inv);
      assert.ok(out.length > 0, `${c.id} says something`);
      for (const r of out) assert.equal(r.status, 'ERROR', `${c.id}: ${r.message}`);
      assert.match(out[0]!.message, /AccessDenied/, c.id);
    }
  });

  it('reports MANUAL, with the reason, when no client could read the data', () => {
    const inv = cleanInventory();
    inv.s3!.accountPublicAccessBlock = { ok: false, error: { operation: 'GetPublicAccessBlock (S3 Control)', code: 'ClientUnavailable', message: '@aws-sdk/client-s3-control is not installed', kind: 'unavailable' } };
    const out = results('s3_account_level_public_access_blocks', inv);
    assert.deepEqual(out.map((r) => r.status), ['MANUAL']);
    assert.match(out[0]!.message, /client-s3-control is not installed/);
  });

  it('reports ERROR when a replayed inventory lacks the section it needs', () => {
    const inv = cleanInventory();
    delete inv.iam;
    delete inv.s3;
    delete inv.kms;
    delete inv.cloudtrail;
    delete inv.ec2;
    for (const c of CHECKS) {
      const out = results(c.id, inv);
      assert.ok(out.length > 0 && out.every((r) => r.status === 'ERROR'), c.id);
    }
  });

  it('turns a check that throws into one ERROR finding, and the others still run', () => {
    const broken: Check = { ...CHECKS[0]!, id: 'iam_broken', run: () => { throw new Error('boom'); } };
    const findings = runChecks([broken, CHECKS[1]!], cleanInventory());
    assert.equal(findings[0]!.status, 'ERROR');
    assert.match(findings[0]!.message, /boom/);
    assert.ok(findings.slice(1).every((f) => f.check.id === CHECKS[1]!.id));
  });
});
