import { DeleteObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { useState } from 'react';
import type { Clients } from '../aws';
import { DataTable } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Checkbox } from '../components/form';
import { PageHeader } from '../components/page';
import { AsyncView, Badge } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { size, when } from '../paging';
import { Link, navigate, seg } from '../router';
import type { PageProps } from '../routes';
import { downloadObject } from '../s3-transfer';
import { UploadPanel } from './upload';

/** One line of the browser: a folder (common prefix), an object, a version, or a delete marker. */
export interface Entry { kind: 'folder' | 'object' | 'marker'; key: string; versionId?: string; size?: number; modified?: Date; latest?: boolean; storageClass?: string }

async function listEntries(clients: Clients, bucket: string, prefix: string, versions: boolean, token?: string): Promise<{ entries: Entry[]; next?: string }> {
  if (versions) {
    const [KeyMarker, VersionIdMarker] = token ? JSON.parse(token) as [string, string] : [undefined, undefined];
    const r = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: 200, KeyMarker, VersionIdMarker }));
    const entries: Entry[] = [
      ...(r.CommonPrefixes ?? []).map((p) => ({ kind: 'folder' as const, key: p.Prefix! })),
      ...[...(r.Versions ?? []).map((v) => ({ kind: 'object' as const, key: v.Key!, versionId: v.VersionId, size: v.Size, modified: v.LastModified, latest: v.IsLatest, storageClass: v.StorageClass })),
        ...(r.DeleteMarkers ?? []).map((m) => ({ kind: 'marker' as const, key: m.Key!, versionId: m.VersionId, modified: m.LastModified, latest: m.IsLatest }))]
        .sort((a, b) => a.key.localeCompare(b.key) || (b.modified?.getTime() ?? 0) - (a.modified?.getTime() ?? 0)),
    ];
    return { entries, next: r.IsTruncated ? JSON.stringify([r.NextKeyMarker, r.NextVersionIdMarker]) : undefined };
  }
  const r = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: 200, ContinuationToken: token }));
  return {
    entries: [
      ...(r.CommonPrefixes ?? []).map((p) => ({ kind: 'folder' as const, key: p.Prefix! })),
      ...(r.Contents ?? []).map((o) => ({ kind: 'object' as const, key: o.Key!, size: o.Size, modified: o.LastModified, storageClass: o.StorageClass })),
    ],
    next: r.IsTruncated ? r.NextContinuationToken : undefined,
  };
}

/** Browse a bucket by prefix, with versions on demand; upload, download, delete. */
export function ObjectsPage({ clients, bucket, location }: PageProps & { bucket: string }) {
  const prefix = location.query.get('prefix') ?? '';
  const versions = location.query.get('versions') === '1';
  const [pages, setPages] = useState<{ entries: Entry[]; next?: string }[]>([]);
  const state = useAsync(async () => {
    const first = await listEntries(clients, bucket, prefix, versions);
    setPages([first]);
    return first;
  }, [clients, bucket, prefix, versions]);
  const more = useAction();
  const [uploading, setUploading] = useState(false);
  const [deleting, setDeleting] = useState<Entry>();
  const download = useAction();
  const last = pages[pages.length - 1];
  const entries = pages.flatMap((p) => p.entries);
  const to = (p: string, v = versions) => `/buckets/${seg(bucket)}?prefix=${encodeURIComponent(p)}${v ? '&versions=1' : ''}`;
  const crumbs = prefix.split('/').filter(Boolean);
  const detailsLink = (e: Entry) => `/buckets/${seg(bucket)}/object?key=${encodeURIComponent(e.key)}${e.versionId ? `&versionId=${encodeURIComponent(e.versionId)}` : ''}`;

  return (
    <>
      <PageHeader title={bucket} crumbs={[{ label: 'Buckets', to: '/buckets' }]} actions={
        <>
          <Link to={`/buckets/${seg(bucket)}/settings`} className="button">Settings</Link>
          <button type="button" className="primary" onClick={() => setUploading(!uploading)} aria-expanded={uploading}>Upload</button>
        </>
      } />
      {uploading && <UploadPanel clients={clients} bucket={bucket} prefix={prefix} onUploaded={state.reload} />}
      <div className="card">
        <div className="toolbar">
          <nav aria-label="Folder" className="crumbs prefix-crumbs">
            <Link to={to('')}>{bucket}</Link>
            {crumbs.map((c, i) => <span key={i}> / <Link to={to(crumbs.slice(0, i + 1).join('/') + '/')}>{c}</Link></span>)}
          </nav>
          <div className="row">
            <Checkbox label="Show versions" checked={versions} onChange={(v) => navigate(to(prefix, v), { replace: true })} />
            <button type="button" onClick={state.reload} disabled={state.loading}>Refresh</button>
          </div>
        </div>
        <ErrorBox error={download.error} onDismiss={download.clear} />
        <AsyncView state={state} label="Loading objects…">
          {() => (
            <>
              <DataTable
                caption={`Objects in ${bucket}/${prefix}`}
                rows={entries}
                rowKey={(e) => `${e.kind}:${e.key}:${e.versionId ?? ''}`}
                empty={prefix ? 'This folder is empty.' : 'This bucket is empty. Upload a file to start.'}
                columns={[
                  { header: 'Name', className: 'wrap', cell: (e) => e.kind === 'folder'
                    ? <Link to={to(e.key)} className="folder">{e.key.slice(prefix.length)}</Link>
                    : e.kind === 'marker' ? <span className="muted">{e.key.slice(prefix.length)}</span>
                    : <Link to={detailsLink(e)}>{e.key.slice(prefix.length)}</Link> },
                  ...(versions ? [{ header: 'Version', className: 'wrap', cell: (e: Entry) => e.kind === 'folder' ? null : <>
                    <span className="mono small">{e.versionId}</span> {e.latest && <Badge value="latest" tone="good" />} {e.kind === 'marker' && <Badge value="delete marker" tone="warn" />}
                  </> }] : []),
                  { header: 'Size', className: 'num', cell: (e) => (e.kind === 'object' ? size(e.size) : '') },
                  { header: 'Modified', cell: (e) => when(e.modified) },
                  { header: 'Actions', cell: (e) => e.kind === 'folder' ? null : (
                    <span className="row-actions">
                      {e.kind === 'object' && <button type="button" className="link" onClick={() => download.run(() => downloadObject(clients.s3, bucket, e.key, e.versionId))} aria-label={`Download ${e.key}`}>Download</button>}
                      <button type="button" className="link danger" onClick={() => setDeleting(e)} aria-label={`Delete ${e.key}`}>Delete</button>
                    </span>
                  ) },
                ]}
              />
              {last?.next && (
                <BusyButton className="" busy={more.busy} onClick={() => more.run(async () => {
                  const page = await listEntries(clients, bucket, prefix, versions, last.next);
                  setPages((p) => [...p, page]);
                })}>Load more</BusyButton>
              )}
              <ErrorBox error={more.error} onDismiss={more.clear} />
            </>
          )}
        </AsyncView>
      </div>
      {deleting && <DeleteDialog clients={clients} bucket={bucket} entry={deleting} onClose={(done) => { setDeleting(undefined); if (done) state.reload(); }} />}
    </>
  );
}

/** Delete: without a version id S3 adds a delete marker (versioned) or removes the object; with one, that version is gone for good. */
export function DeleteDialog({ clients, bucket, entry, onClose }: { clients: Clients; bucket: string; entry: { key: string; versionId?: string }; onClose: (done: boolean) => void }) {
  const action = useAction();
  const remove = () => action.run(() => clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: entry.key, VersionId: entry.versionId }))).then((ok) => ok && onClose(true));
  return (
    <Dialog open title="Delete object" onClose={() => onClose(false)}>
      <p>Delete <code className="wrap">{entry.key}</code>{entry.versionId ? <> version <code>{entry.versionId}</code> permanently</> : null}?</p>
      {!entry.versionId && <p className="hint">In a versioned bucket this adds a delete marker; earlier versions stay.</p>}
      <ErrorBox error={action.error} />
      <div className="row">
        <BusyButton className="danger" busy={action.busy} onClick={remove} autoFocus>Delete</BusyButton>
        <button type="button" onClick={() => onClose(false)}>Cancel</button>
      </div>
    </Dialog>
  );
}
