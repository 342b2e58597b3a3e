import { useMemo, useState } from 'react';
import type { AuditService, Finding, Severity, Status } from '../../../src/audit/checks/types';
import type { AuditRun } from '../audit/run-audit';
import { overallScore, saveSummary, SEVERITY_ORDER, summarize } from '../audit/summary';
import { useCapabilities } from '../capabilities';
import { DataTable } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { Field, BusyButton } from '../components/form';
import { PageHeader, Section } from '../components/page';
import { SeverityChart } from '../components/severity-chart';
import { Badge, Loading } from '../components/status';
import { ErrorBox } from '../components/error-box';
import { useAction } from '../hooks';
import type { PageProps } from '../routes';

/** The last run per account, kept while the tab lives so leaving the page does not lose it. */
const lastRuns = new Map<string, AuditRun>();

const STATUS_TONE: Record<Status, 'good' | 'bad' | 'warn' | 'muted'> = { PASS: 'good', FAIL: 'bad', MANUAL: 'warn', ERROR: 'muted' };
const SEVERITY_TONE: Record<Severity, 'bad' | 'warn' | 'info' | 'muted'> = { critical: 'bad', high: 'bad', medium: 'warn', low: 'info', informational: 'muted' };

interface Filters { status: Status | ''; severity: Severity | ''; service: AuditService | ''; text: string }

/**
 * Audit: runs the auditor of `coffer audit` in this tab with the signed-in identity's credentials
 * (read-only calls, so it sees exactly what this identity may read), then shows the findings with
 * filters, a chart by severity and each check's remediation.
 */
export function AuditPage({ session }: PageProps) {
  const caps = useCapabilities();
  const [run, setRun] = useState<AuditRun | undefined>(() => lastRuns.get(session.identity.account));
  const [calls, setCalls] = useState(0);
  const action = useAction();
  const [filters, setFilters] = useState<Filters>({ status: 'FAIL', severity: '', service: '', text: '' });
  const [open, setOpen] = useState<Finding>();

  const start = () => action.run(async () => {
    setCalls(0);
    // Loaded on demand: the EC2 client and a hundred checks are not needed for the other pages.
    const { runAudit } = await import('../audit/run-audit');
    const result = await runAudit(session.credentials, session.region, setCalls);
    lastRuns.set(session.identity.account, result);
    saveSummary({ finishedAt: result.finishedAt, account: result.account, region: result.region, bySeverity: summarize(result.findings) });
    setRun(result);
  });

  const shown = useMemo(() => (run?.findings ?? []).filter((f) => (!filters.status || f.status === filters.status)
    && (!filters.severity || f.severity === filters.severity)
    && (!filters.service || f.check.service === filters.service)
    && (!filters.text || `${f.check.id} ${f.check.title} ${f.resource.name} ${f.message}`.toLowerCase().includes(filters.text.toLowerCase()))), [run, filters]);
  const services = useMemo(() => [...new Set((run?.findings ?? []).map((f) => f.check.service))].sort(), [run]);
  const counts = useMemo(() => (run ? summarize(run.findings) : undefined), [run]);
  // Results this identity could not check because a read was refused: said up front, not left in the table.
  const denied = useMemo(() => (run?.findings ?? []).filter((f) => f.status === 'ERROR' && /: (AccessDenied|AccessDeniedException|UnauthorizedOperation):/.test(f.message)).length, [run]);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  if (!caps) return <Loading label="Checking what this server offers…" />;
  if (!caps.audit) {
    return (
      <>
        <PageHeader title="Audit" />
        <section className="card notice" role="status" data-testid="audit-state">
          <h2>Not available</h2>
          <p>This Coffer server does not offer the auditor (its health report lists no <code>audit</code> capability).</p>
        </section>
      </>
    );
  }
  const total = overallScore(counts ?? summarize([]));
  return (
    <>
      <PageHeader title="Audit" sub={<>Security checks of identities, buckets, keys, the trail and EC2, run in this tab as <span className="mono wrap">{session.identity.arn}</span> with read-only calls in {session.region}.</>}
        actions={<BusyButton busy={action.busy} onClick={start}>{run ? 'Run again' : 'Run audit'}</BusyButton>} />
      <ErrorBox error={action.error} onDismiss={action.clear} />
      {action.busy && <div className="loading" role="status" aria-live="polite"><span className="spinner" aria-hidden="true" /> Collecting the inventory… {calls} API call{calls === 1 ? '' : 's'}</div>}
      {!run && !action.busy && (
        <section className="card notice" data-testid="audit-state">
          <h2>No audit yet</h2>
          <p>Run an audit to collect this account's configuration (the calls this identity may make) and judge it against the CIS AWS Foundations Benchmark v3.0 and Prowler's checks. Calls this identity may not make show up as ERROR findings.</p>
        </section>
      )}
      {run && counts && (
        <>
          <div className="grid-2 audit-top">
            <Section title="Findings by severity" id="audit-chart">
              <SeverityChart counts={counts} />
            </Section>
            <Section title="Summary" id="audit-summary">
              <p className="stat-value" data-testid="audit-score" data-finished={run.finishedAt}>{total === undefined ? '—' : `${total}%`}</p>
              <p className="muted">passed of {run.findings.filter((f) => f.status === 'PASS' || f.status === 'FAIL').length} judged results · {run.findings.length} results from {run.checks.length} checks · {run.calls} API calls · {new Date(run.finishedAt).toLocaleString()}</p>
              {denied > 0 && <p className="error-text" data-testid="audit-denied">{denied} result{denied === 1 ? '' : 's'} could not be checked because this identity was refused a read (AccessDenied): the score covers only what it could read.</p>}
              <p>{(['FAIL', 'PASS', 'MANUAL', 'ERROR'] as const).map((s) => <span key={s} className="legend-item"><Badge value={s} tone={STATUS_TONE[s]} /> {run.findings.filter((f) => f.status === s).length}</span>)}</p>
            </Section>
          </div>
          <Section title="Findings" id="audit-findings">
            <div className="filters">
              <Field label="Status">{(id) => (
                <select id={id} value={filters.status} onChange={(e) => set({ status: e.target.value as Filters['status'] })}>
                  <option value="">Any</option>
                  {(['FAIL', 'PASS', 'MANUAL', 'ERROR'] as const).map((s) => <option key={s} value={s}>{s}</option>)}
                </select>
              )}</Field>
              <Field label="Severity">{(id) => (
                <select id={id} value={filters.severity} onChange={(e) => set({ severity: e.target.value as Filters['severity'] })}>
                  <option value="">Any</option>
                  {SEVERITY_ORDER.map((s) => <option key={s} value={s}>{s}</option>)}
                </select>
              )}</Field>
              <Field label="Service">{(id) => (
                <select id={id} value={filters.service} onChange={(e) => set({ service: e.target.value as Filters['service'] })}>
                  <option value="">Any</option>
                  {services.map((s) => <option key={s} value={s}>{s}</option>)}
                </select>
              )}</Field>
              <Field label="Search">{(id) => <input id={id} type="search" value={filters.text} onChange={(e) => set({ text: e.target.value })} placeholder="check, resource, message" />}</Field>
            </div>
            <p className="muted small" role="status">{shown.length} of {run.findings.length} results shown</p>
            <DataTable caption="Findings" rows={shown} rowKey={(f) => `${f.check.id}|${f.resource.uid}|${f.message}`} empty="No finding matches these filters."
              columns={[
                { header: 'Severity', cell: (f) => <Badge value={f.severity} tone={SEVERITY_TONE[f.severity]} /> },
                { header: 'Status', cell: (f) => <Badge value={f.status} tone={STATUS_TONE[f.status]} /> },
                { header: 'Check', className: 'wrap', cell: (f) => <button type="button" className="link" onClick={() => setOpen(f)} aria-label={`${f.check.title}: ${f.resource.name}`}>{f.check.title}</button> },
                { header: 'Service', cell: (f) => f.check.service },
                { header: 'Resource', className: 'wrap', cell: (f) => <span className="mono">{f.resource.name}</span> },
                { header: 'Details', className: 'wrap', cell: (f) => f.message },
              ]} />
          </Section>
        </>
      )}
      <Dialog open={!!open} title={open?.check.title ?? ''} onClose={() => setOpen(undefined)} wide>
        {open && (
          <div data-testid="finding-details">
            <p><Badge value={open.severity} tone={SEVERITY_TONE[open.severity]} /> <Badge value={open.status} tone={STATUS_TONE[open.status]} /> <code>{open.check.id}</code>{open.check.cis.length > 0 && <> · CIS {open.check.cis.join(', ')}</>}</p>
            <p><strong>Resource:</strong> <span className="mono wrap">{open.resource.uid}</span> ({open.resource.region})</p>
            <p>{open.message}</p>
            <h3>Risk</h3>
            <p>{open.check.risk}</p>
            <h3>Remediation</h3>
            <p data-testid="remediation">{open.check.remediation}</p>
            {open.check.cli && <pre className="code remediation-cli" aria-label="Remediation command">{open.check.cli}</pre>}
            <p><a href={open.check.url} target="_blank" rel="noreferrer noopener">Documentation</a></p>
          </div>
        )}
      </Dialog>
    </>
  );
}
