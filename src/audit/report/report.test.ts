/** The report formats, written from one run over a fixture inventory with known failures. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKS } from '../checks/index.js';
import { assessCis } from '../compliance/cis-3.0.js';
import { runChecks } from '../run.js';
import { bucket, cleanInventory, ok } from '../testing/fixtures.js';
import { csvField, renderComplianceCsv, renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderOcsf } from './json-ocsf.js';
import type { AuditResult } from './model.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';

/** A run where one bucket (with a hostile-looking policy Sid in nothing but the message) is public and unversioned. */
function sampleResult(): AuditResult {
  const inv = cleanInventory();
  inv.s3!.accountPublicAccessBlock = ok(null);
  inv.s3!.buckets = ok([bucket('trail-bucket'), bucket('public-data', {
    publicAccessBlock: ok(null), versioning: ok({ status: 'Suspended' }),
    policy: ok({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] }),
  })]);
  const findings = runChecks(CHECKS, inv);
  // A resource name no real bucket could have, standing for anything the account controls.
  findings.push({ ...findings[0]!, status: 'FAIL', resource: { uid: 'arn:x', name: '<script>alert(1)</script>', region: 'us-east-1' }, message: 'a;b "quoted"\nnext' });
  return {
    tool: { name: 'coffer-audit', version: '1.2.3' }, startedAt: '2025-06-01T12:00:00.000Z', account: inv.account, regions: inv.regions,
    checks: CHECKS.map(({ run: _r, ...m }) => m), findings, compliance: assessCis(findings),
  };
}

describe('reports', () => {
  const result = sampleResult();
  const fails = result.findings.filter((f) => f.status === 'FAIL');

  it('writes OCSF Detection Findings as Prowler does', () => {
    const records = JSON.parse(renderOcsf(result)) as Array<Record<string, any>>;
    assert.equal(records.length, result.findings.length);
    const r = records.find((x) => x.metadata.event_code === 's3_bucket_public_access' && x.status_code === 'FAIL')!;
    assert.equal(r.class_uid, 2004);
    assert.equal(r.type_uid, 200401);
    assert.equal(r.severity, 'Critical');
    assert.equal(r.severity_id, 5);
    assert.equal(r.cloud.account.uid, '111122223333');
    assert.equal(r.resources[0].uid, 'arn:aws:s3:::public-data');
    assert.equal(r.resources[0].type, 'AwsS3Bucket');
    assert.equal(r.finding_info.uid, 'coffer-aws-s3_bucket_public_access-111122223333-us-east-1-arn:aws:s3:::public-data');
    assert.match(r.unmapped.remediation_code_cli, /^aws s3api put-public-access-block/);
    assert.equal(r.time_dt, '2025-06-01T12:00:00.000Z');
  });

  it('writes a semicolon CSV with Prowler\'s columns, quoting and defusing formulas', () => {
    const lines = renderCsv(result).trimEnd().split('\n');
    assert.match(lines[0]!, /^TIMESTAMP;ACCOUNT_UID;FINDING_UID;PROVIDER;CHECK_ID;CHECK_TITLE;STATUS;STATUS_EXTENDED;/);
    assert.ok(lines.some((l) => l.includes(';s3_bucket_object_versioning;') && l.includes(';FAIL;')));
    assert.ok(renderCsv(result).includes('"a;b ""quoted""\nnext"'));
    assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvField('-1'), "'-1");
    const compliance = renderComplianceCsv(result).split('\n');
    assert.equal(compliance.length, 62 + 2);
    assert.ok(compliance.some((l) => l.startsWith('CIS-3.0;2.1.4;Storage;Level 1;') && l.includes(';FAIL;')));
  });

  it('writes SARIF 2.1.0 with the failures only, one rule per check', () => {
    const sarif = JSON.parse(renderSarif(result)) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string }> }> };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0]!;
    assert.equal(run.results.length, fails.length);
    assert.equal(new Set(run.tool.driver.rules.map((r) => r.id)).size, run.tool.driver.rules.length);
    for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex]!.id, r.ruleId);
    assert.equal(run.results.find((r) => r.ruleId === 's3_bucket_public_access')!.level, 'error');
  });

  it('writes one self-contained HTML page: charts inline, no requests, everything escaped', () => {
    const html = renderHtml(result);
    assert.match(html, /<svg id="chart-severity"/);
    assert.match(html, /<svg id="chart-service"/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(html, /<(script|link|img|iframe)[^>]+(src|href)=/i);
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.equal((html.match(/<tbody class="finding"/g) ?? []).length, result.findings.length);
    assert.match(html, /CIS AWS Foundations Benchmark v3\.0\.0/);
  });

  it('prints the terminal table grouped by service, colourless off a terminal', () => {
    const text = renderTable(result, { color: false, width: 120, detail: ['FAIL', 'ERROR', 'MANUAL'] });
    assert.doesNotMatch(text, /\x1b\[/);
    assert.match(text, /^Coffer audit · account 111122223333/);
    const s3 = text.indexOf('S3 ─');
    assert.ok(text.indexOf('IAM ─') < s3 && s3 > 0);
    assert.match(text, /s3_bucket_public_access\n.*\n\s+FAIL\s+us-east-1 public-data · S3 Bucket public-data has public access due to bucket policy/);
    assert.match(text, /fix\s+aws s3api put-public-access-block/);
    assert.match(text, /Total\s+\d+\s+\d+/);
    assert.match(text, /2\.1\.4\s+FAIL/);
    assert.match(renderTable(result, { color: true, width: 120, detail: ['FAIL'] }), /\x1b\[31mFAIL/);
  });
});
