import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { PageHeader } from '../components/page';
import { AsyncView } from '../components/status';
import { useAsync } from '../hooks';
import { collect, when } from '../paging';
import { Link, seg } from '../router';
import type { PageProps } from '../routes';
import { CreateBucketDialog } from './bucket-create';

/** Buckets: list and create. */
export function BucketsPage({ clients }: PageProps) {
  const state = useAsync(() => collect(async (ContinuationToken) => {
    const r = await clients.s3.send(new ListBucketsCommand({ ContinuationToken, MaxBuckets: 1000 }));
    return { items: r.Buckets, next: r.ContinuationToken };
  }), [clients]);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader title="Buckets" actions={
        <>
          <button type="button" onClick={state.reload} disabled={state.loading}>Refresh</button>
          <button type="button" className="primary" onClick={() => setCreating(true)}>Create bucket</button>
        </>
      } />
      <div className="card">
        <AsyncView state={state} label="Loading buckets…">
          {(buckets) => (
            <DataTable
              caption="Buckets"
              rows={buckets}
              rowKey={(b) => b.Name!}
              empty="No buckets yet."
              columns={[
                { header: 'Name', cell: (b) => <Link to={`/buckets/${seg(b.Name!)}`}>{b.Name}</Link> },
                { header: 'Region', cell: (b) => b.BucketRegion },
                { header: 'Created', cell: (b) => when(b.CreationDate) },
                { header: 'Settings', cell: (b) => <Link to={`/buckets/${seg(b.Name!)}/settings`} aria-label={`Settings of ${b.Name}`}>Settings</Link> },
              ]}
            />
          )}
        </AsyncView>
      </div>
      {creating && <CreateBucketDialog clients={clients} onClose={() => setCreating(false)} />}
    </>
  );
}
