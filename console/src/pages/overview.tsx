import { ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { ListPoliciesCommand, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import type { ReactNode } from 'react';
import { loadSummary, overallScore } from '../audit/summary';
import { useCapabilities } from '../capabilities';
import { DataTable } from '../components/data-table';
import { Section } from '../components/page';
import { SeverityTable } from '../components/severity-chart';
import { AsyncView, Spinner } from '../components/status';
import { useAsync } from '../hooks';
import { collect, when } from '../paging';
import { Link } from '../router';
import type { PageProps } from '../routes';
import { eventError, fixRange, lookup } from './trail';

/** A count that loads (and fails) on its own, so one refused list does not blank the page. */
function Count({ label, to, load }: { label: string; to: string; load: () => Promise<number> }) {
  const state = useAsync(load, []);
  let value: ReactNode = <Spinner label={`Loading ${label}`} />;
  if (state.error) value = <span className="count-error" title={state.error.message}>{state.error.denied ? 'Denied' : state.error.notImplemented ? 'n/a' : 'Error'}</span>;
  else if (state.data !== undefined) value = state.data;
  return (
    <Link to={to} className="stat card" aria-label={`${label}: ${state.data ?? (state.error ? state.error.code : 'loading')}`}>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </Link>
  );
}

/** Overview: resource counts, the latest trail events, the last audit's score by severity. */
export function Overview({ clients, session }: PageProps) {
  const { kms, s3, iam, cloudtrail } = clients;
  const events = useAsync(async () => (await lookup(clients, fixRange({ attribute: '', value: '', range: '90d', start: '', end: '' }), undefined, 10)).Events ?? [], [clients]);
  const caps = useCapabilities();
  const lastAudit = loadSummary(session.identity.account);
  return (
    <>
      <header className="page-header">
        <h1>Overview</h1>
        <p className="sub">Signed in as <span className="mono wrap">{session.identity.arn}</span> in {session.region}.</p>
      </header>
      <div className="stats">
        <Count label="KMS keys" to="/keys" load={async () => (await collect(async (Marker) => { const r = await kms.send(new ListKeysCommand({ Marker, Limit: 1000 })); return { items: r.Keys, next: r.Truncated ? r.NextMarker : undefined }; })).length} />
        <Count label="Buckets" to="/buckets" load={async () => (await s3.send(new ListBucketsCommand({}))).Buckets?.length ?? 0} />
        <Count label="IAM users" to="/iam?tab=users" load={async () => (await collect(async (Marker) => { const r = await iam.send(new ListUsersCommand({ Marker, MaxItems: 1000 })); return { items: r.Users, next: r.IsTruncated ? r.Marker : undefined }; })).length} />
        <Count label="IAM roles" to="/iam?tab=roles" load={async () => (await collect(async (Marker) => { const r = await iam.send(new ListRolesCommand({ Marker, MaxItems: 1000 })); return { items: r.Roles, next: r.IsTruncated ? r.Marker : undefined }; })).length} />
        <Count label="Customer policies" to="/iam?tab=policies" load={async () => (await collect(async (Marker) => { const r = await iam.send(new ListPoliciesCommand({ Marker, Scope: 'Local', MaxItems: 1000 })); return { items: r.Policies, next: r.IsTruncated ? r.Marker : undefined }; })).length} />
        <Count label="Trails" to="/trail" load={async () => (await cloudtrail.send(new ListTrailsCommand({}))).Trails?.length ?? 0} />
      </div>
      <div className="grid-2">
        <Section title="Latest trail events" id="overview-events" actions={<Link to="/trail">All events</Link>}>
          <AsyncView state={events} label="Loading events…">
            {(list) => (
              <DataTable caption="Latest events" rows={list} rowKey={(e) => e.EventId!} empty="No events recorded yet."
                columns={[
                  { header: 'Time', cell: (e) => when(e.EventTime) },
                  { header: 'Event', cell: (e) => e.EventName },
                  { header: 'User', cell: (e) => e.Username },
                  { header: 'Error', cell: (e) => { const c = eventError(e); return c ? <span className="error-text">{c}</span> : null; } },
                ]} />
            )}
          </AsyncView>
        </Section>
        <Section title="Last audit" id="overview-audit" actions={<Link to="/audit">Audit</Link>}>
          {!caps ? <Spinner /> : !caps.audit
            ? <p className="muted" data-testid="audit-unavailable">The auditor is not available on this server, so there is no audit score to show.</p>
            : lastAudit
              ? (
                <div data-testid="overview-audit-score">
                  <p>Score <strong>{overallScore(lastAudit.bySeverity) ?? '—'}{overallScore(lastAudit.bySeverity) === undefined ? '' : '%'}</strong> · {new Date(lastAudit.finishedAt).toLocaleString()} · {lastAudit.region}</p>
                  <SeverityTable counts={lastAudit.bySeverity} />
                </div>
              )
              : <p className="muted">No audit has been run in this session. <Link to="/audit">Run one</Link> to see the score by severity.</p>}
        </Section>
      </div>
    </>
  );
}
