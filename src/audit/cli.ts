/**
 * `coffer audit`: collect the inventory through the AWS API (or read a recorded one), run the
 * checks, print the terminal report and write the report files, with Prowler's options and exit
 * codes (3 when a FAIL at or above --fail-on-severity remains, 0 otherwise, 1 on error).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { SEVERITIES, STATUSES, type Check, type Severity, type Status } from './checks/types.js';
import { assessCis, CIS_3_0, CIS_3_0_CONTROLS } from './compliance/cis-3.0.js';
import { parseInventory, type Inventory } from './inventory.js';
import { renderComplianceCsv, renderCsv } from './report/csv.js';
import { renderHtml } from './report/html.js';
import { renderOcsf } from './report/json-ocsf.js';
import { toolVersion, type AuditResult } from './report/model.js';
import { renderSarif } from './report/sarif.js';
import { renderTable } from './report/table.js';
import { exitCodeFor, runChecks, servicesNeeded } from './run.js';
import { filterFindings, FRAMEWORKS, parseStatuses, selectChecks, splitList } from './select.js';

/** File formats of -M/--output-formats, with the suffix Prowler gives each. */
const FILE_FORMATS = { csv: '.csv', 'json-ocsf': '.ocsf.json', html: '.html', sarif: '.sarif' } as const;
type FileFormat = keyof typeof FILE_FORMATS;
const STDOUT_FORMATS = ['table', 'json', 'json-ocsf', 'csv', 'sarif', 'none'] as const;

export interface AuditOptions {
  profile?: string;
  region?: string[];
  endpointUrl?: string;
  services?: string[];
  checks?: string[];
  excludedChecks?: string[];
  severity?: string[];
  status?: string[];
  compliance?: string[];
  listChecks?: boolean;
  listCompliance?: boolean;
  outputFormats: string[];
  outputDirectory: string;
  outputFilename?: string;
  output: string;
  inventoryOut?: string;
  inventoryIn?: string;
  failOnSeverity: string;
  ignoreExitCode3?: boolean;
}

/** Where the command writes and what it knows of its terminal (process streams, or fakes in tests). */
export interface AuditIo {
  stdout: { write(text: string): boolean; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): boolean; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

function listChecks(checks: readonly Check[]): string {
  const width = Math.max(0, ...checks.map((c) => c.id.length));
  const rows = checks.map((c) => `${c.id.padEnd(width)}  ${c.severity.padEnd(13)} ${c.service.padEnd(10)} ${c.cis.length ? `CIS ${c.cis.join(', ')}` : ''}`.trimEnd());
  return `${rows.join('\n')}\n\n${checks.length} checks.\n`;
}

function timestamp(iso: string): string {
  return iso.replace(/[-:T]/g, '').slice(0, 14);
}

async function loadOrCollect(opts: AuditOptions, checks: Check[], io: AuditIo): Promise<Inventory> {
  const regions = splitList(opts.region);
  if (opts.inventoryIn) {
    const inventory = parseInventory(await readFile(opts.inventoryIn, 'utf8'));
    if (regions) {
      const missing = regions.filter((r) => !inventory.regions.includes(r));
      if (missing.length > 0) throw new Error(`the inventory was not collected in ${missing.join(', ')}`);
      inventory.regions = regions;
    }
    return inventory;
  }
  // Loaded only when collecting: listing checks or replaying an inventory needs no SDK.
  const { collectInventory } = await import('./collect.js');
  const { terminalProgress } = await import('./collect/progress.js');
  const progress = terminalProgress(io.stderr);
  try {
    return await collectInventory({
      profile: opts.profile, endpoint: opts.endpointUrl, env: io.env, regions, services: servicesNeeded(checks),
      warn: (m) => io.stderr.write(`coffer audit: warning: ${m}\n`),
    }, progress);
  } finally {
    progress.done();
  }
}

async function writeReports(result: AuditResult, opts: AuditOptions, formats: FileFormat[]): Promise<string[]> {
  if (formats.length === 0) return [];
  const dir = resolve(opts.outputDirectory);
  await mkdir(dir, { recursive: true });
  const base = opts.outputFilename ?? `coffer-audit-${result.account.id}-${timestamp(result.startedAt)}`;
  const render: Record<FileFormat, (r: AuditResult) => string> = { csv: renderCsv, 'json-ocsf': renderOcsf, html: renderHtml, sarif: renderSarif };
  const written: string[] = [];
  for (const format of formats) {
    const file = join(dir, base + FILE_FORMATS[format]);
    await writeFile(file, render[format](result));
    written.push(file);
  }
  if (result.compliance) {
    await mkdir(join(dir, 'compliance'), { recursive: true });
    const file = join(dir, 'compliance', `${base}_${CIS_3_0}.csv`);
    await writeFile(file, renderComplianceCsv(result));
    written.push(file);
  }
  return written;
}

function printStdout(result: AuditResult, opts: AuditOptions, statuses: Status[] | undefined, io: AuditIo): void {
  switch (opts.output) {
    case 'table': {
      const color = Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined;
      io.stdout.write(renderTable(result, { color, width: io.stdout.columns || 120, detail: statuses ?? ['FAIL', 'ERROR', 'MANUAL'] }));
      return;
    }
    case 'json':
    case 'json-ocsf':
      io.stdout.write(renderOcsf(result));
      return;
    case 'csv':
      io.stdout.write(renderCsv(result));
      return;
    case 'sarif':
      io.stdout.write(renderSarif(result));
      return;
    default:
  }
}

/** Runs the command; resolves to the exit code. */
export async function runAudit(opts: AuditOptions, io: AuditIo): Promise<number> {
  const sel = {
    services: splitList(opts.services), checks: splitList(opts.checks), excludedChecks: splitList(opts.excludedChecks),
    severities: splitList(opts.severity), compliance: splitList(opts.compliance),
  };
  const checks = selectChecks(sel);
  if (opts.listCompliance) {
    io.stdout.write(`${CIS_3_0}  CIS Amazon Web Services Foundations Benchmark v3.0.0 (${CIS_3_0_CONTROLS.length} controls)\n`);
    return 0;
  }
  if (opts.listChecks) {
    io.stdout.write(listChecks(checks));
    return 0;
  }
  const formats = splitList(opts.outputFormats) ?? [];
  const badFormat = formats.filter((f) => !(f in FILE_FORMATS));
  if (badFormat.length > 0) throw new Error(`unknown output format: ${badFormat.join(', ')} (known: ${Object.keys(FILE_FORMATS).join(', ')})`);
  if (!(STDOUT_FORMATS as readonly string[]).includes(opts.output)) throw new Error(`unknown --output ${opts.output} (known: ${STDOUT_FORMATS.join(', ')})`);
  const threshold = opts.failOnSeverity.toLowerCase() as Severity;
  if (!SEVERITIES.includes(threshold)) throw new Error(`unknown --fail-on-severity ${opts.failOnSeverity} (known: ${SEVERITIES.join(', ')})`);
  const statuses = parseStatuses(splitList(opts.status));
  if (checks.length === 0) throw new Error('no check matches the selection (see --list-checks)');

  const startedAt = new Date().toISOString();
  const inventory = await loadOrCollect(opts, checks, io);
  if (opts.inventoryOut) {
    await mkdir(dirname(resolve(opts.inventoryOut)), { recursive: true });
    await writeFile(opts.inventoryOut, JSON.stringify(inventory, null, 2) + '\n');
  }
  const findings = runChecks(checks, inventory);
  const result: AuditResult = {
    tool: { name: 'coffer-audit', version: toolVersion() }, startedAt, account: inventory.account, regions: inventory.regions,
    checks: checks.map(({ run: _run, ...meta }) => meta), findings: filterFindings(findings, statuses),
    compliance: sel.compliance ? assessCis(findings, checks) : undefined,
  };
  printStdout(result, opts, statuses, io);
  const written = await writeReports(result, opts, formats as FileFormat[]);
  if (written.length > 0) io.stderr.write(`Reports written:\n${written.map((f) => `  ${f}`).join('\n')}\n`);
  // The exit code looks at every finding, whatever --status shows.
  return exitCodeFor(findings, threshold, opts.ignoreExitCode3 ?? false);
}

/** Adds `coffer audit` to the program. */
export function registerAuditCommands(program: Command): void {
  program
    .command('audit')
    .description('security audit of an AWS account (or any AWS-compatible endpoint): CIS AWS Foundations v3.0 and Prowler checks over IAM, S3, KMS, CloudTrail and EC2')
    .option('-p, --profile <name>', 'AWS profile to use (default: the standard credential chain)')
    .option('-f, --region <regions...>', 'Regions to audit (default: every enabled Region); the first one also receives the global calls')
    .option('--endpoint-url <url>', 'send every call to this endpoint (AWS_ENDPOINT_URL is honoured too)')
    .option('-s, --services <services...>', 'only these services (iam s3 kms cloudtrail ec2 vpc)')
    .option('-c, --checks <checks...>', 'only these checks')
    .option('-e, --excluded-checks <checks...>', 'skip these checks')
    .option('--severity <severities...>', `only checks of these severities (${SEVERITIES.join(' ')})`)
    .option('--status <statuses...>', `only report findings with these statuses (${STATUSES.join(' ')})`)
    .option('--compliance <frameworks...>', `only checks of a framework, with its per-control verdicts (${FRAMEWORKS.join(' ')})`)
    .option('--list-checks', 'list the checks (after the filters) and exit')
    .option('--list-compliance', 'list the compliance frameworks and exit')
    .option('-M, --output-formats <formats...>', `report files to write (${Object.keys(FILE_FORMATS).join(' ')})`, ['csv', 'json-ocsf', 'html'])
    .option('-o, --output-directory <dir>', 'directory for the report files', './output')
    .option('-F, --output-filename <name>', 'base name of the report files (default: coffer-audit-<account>-<time>)')
    .option('--output <format>', `what to print on stdout (${STDOUT_FORMATS.join(', ')})`, 'table')
    .option('--inventory-out <file>', 'also save the collected inventory (JSON) to this file')
    .option('--inventory-in <file>', 'judge a saved inventory instead of collecting one')
    .option('--fail-on-severity <severity>', 'lowest severity of a FAIL that makes the exit code 3', 'low')
    .option('-z, --ignore-exit-code-3', 'exit 0 even when checks fail')
    .action(async (opts: AuditOptions) => {
      try {
        process.exitCode = await runAudit(opts, { stdout: process.stdout, stderr: process.stderr, env: process.env });
      } catch (err) {
        process.stderr.write(`coffer audit: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
