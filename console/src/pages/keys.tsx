import { DescribeKeyCommand, ListAliasesCommand, ListKeysCommand, type AliasListEntry, type KeyMetadata } from '@aws-sdk/client-kms';
import { useState } from 'react';
import type { Clients } from '../aws';
import { DataTable } from '../components/data-table';
import { PageHeader } from '../components/page';
import { AsyncView, Badge } from '../components/status';
import { useAsync } from '../hooks';
import { collect, mapLimit, when } from '../paging';
import { Link, seg } from '../router';
import type { PageProps } from '../routes';
import { CreateKeyDialog } from './key-create';

export interface KeyRow { meta: KeyMetadata; aliases: string[] }

/** Every key the identity can list, described, with its aliases. */
export async function loadKeys(clients: Clients): Promise<KeyRow[]> {
  const [listed, aliased] = await Promise.allSettled([
    collect(async (Marker) => {
      const r = await clients.kms.send(new ListKeysCommand({ Marker, Limit: 100 }));
      return { items: r.Keys, next: r.Truncated ? r.NextMarker : undefined };
    }),
    collect<AliasListEntry>(async (Marker) => {
      const r = await clients.kms.send(new ListAliasesCommand({ Marker, Limit: 100 }));
      return { items: r.Aliases, next: r.Truncated ? r.NextMarker : undefined };
    }),
  ]);
  // Both run at once, but a refusal is reported for ListKeys first whichever answered first, so
  // the page names the same denied action every time.
  if (listed.status === 'rejected') throw listed.reason;
  if (aliased.status === 'rejected') throw aliased.reason;
  const [keys, aliases] = [listed.value, aliased.value];
  const metas = await mapLimit(keys, 8, async (k) => (await clients.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId! }))).KeyMetadata!);
  return metas.map((meta) => ({ meta, aliases: aliases.filter((a) => a.TargetKeyId === meta.KeyId).map((a) => a.AliasName!) }));
}

/** Keys: list with state and spec, filter, create. */
export function KeysPage({ clients }: PageProps) {
  const state = useAsync(() => loadKeys(clients), [clients]);
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const f = filter.trim().toLowerCase();
  return (
    <>
      <PageHeader title="KMS keys" sub="Customer managed and AWS managed keys in this region." actions={
        <>
          <button type="button" onClick={state.reload} disabled={state.loading}>Refresh</button>
          <button type="button" className="primary" onClick={() => setCreating(true)}>Create key</button>
        </>
      } />
      <div className="card">
        <div className="toolbar">
          <input type="search" aria-label="Filter keys" placeholder="Filter by id, alias, description" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
        <AsyncView state={state} label="Loading keys…">
          {(rows) => (
            <DataTable
              caption="KMS keys"
              rows={rows.filter((r) => !f || [r.meta.KeyId, r.meta.Description, ...r.aliases].some((v) => v?.toLowerCase().includes(f)))}
              rowKey={(r) => r.meta.KeyId!}
              empty="No keys yet. Create one to encrypt data, objects and secrets."
              columns={[
                { header: 'Alias', cell: (r) => r.aliases.join(', ') || <span className="muted">—</span> },
                { header: 'Key ID', className: 'wrap', cell: (r) => <Link to={`/keys/${seg(r.meta.KeyId!)}`} className="mono">{r.meta.KeyId}</Link> },
                { header: 'State', cell: (r) => <Badge value={r.meta.KeyState ?? ''} /> },
                { header: 'Spec', cell: (r) => r.meta.KeySpec },
                { header: 'Usage', cell: (r) => r.meta.KeyUsage },
                { header: 'Managed by', cell: (r) => r.meta.KeyManager },
                { header: 'Description', cell: (r) => r.meta.Description },
                { header: 'Created', cell: (r) => when(r.meta.CreationDate) },
              ]}
            />
          )}
        </AsyncView>
      </div>
      <CreateKeyDialog open={creating} clients={clients} onClose={() => setCreating(false)} />
    </>
  );
}
