import { useCapabilities } from '../capabilities';
import { PageHeader } from '../components/page';
import { Loading } from '../components/status';
import type { PageProps } from '../routes';

/**
 * Audit findings. The auditor is not part of this server yet; the page says so, driven by the
 * server's own capability report (GET /_coffer/health), instead of showing invented findings.
 */
export function AuditPage(_props: PageProps) {
  const caps = useCapabilities();
  return (
    <>
      <PageHeader title="Audit" sub="Security checks of keys, buckets, identities and the trail, with findings by severity." />
      <section className="card notice" role="status" data-testid="audit-state">
        {!caps ? <Loading label="Checking what this server offers…" /> : caps.audit ? (
          <>
            <h2>Auditor available</h2>
            <p>This server reports an auditor, but this console does not show its findings yet. Run <code>coffer audit</code> for the report.</p>
          </>
        ) : (
          <>
            <h2>Not available yet</h2>
            <p>This Coffer server does not offer the auditor yet (its health report lists no <code>audit</code> capability), so there are no findings to show. Nothing on this page is simulated.</p>
          </>
        )}
      </section>
    </>
  );
}
