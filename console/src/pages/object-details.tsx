import { DeleteObjectTaggingCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectTaggingCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { Details, PageHeader, Section } from '../components/page';
import { AsyncView, Badge } from '../components/status';
import { TagEditor } from '../components/tag-editor';
import { useAction, useAsync } from '../hooks';
import { size, when } from '../paging';
import { Link, navigate, seg } from '../router';
import type { PageProps } from '../routes';
import { downloadObject } from '../s3-transfer';
import { DeleteDialog } from './objects';

const SSE_NAMES: Record<string, string> = { AES256: 'SSE-S3 (AES256)', 'aws:kms': 'SSE-KMS (aws:kms)', 'aws:kms:dsse': 'DSSE-KMS (aws:kms:dsse)' };

/** A KMS key ARN as a link to its page. */
function keyLink(arn: string) {
  const id = /:key\/(.+)$/.exec(arn)?.[1];
  return id ? <Link to={`/keys/${seg(id)}`} className="mono wrap">{arn}</Link> : <span className="mono wrap">{arn}</span>;
}

/** One object (or version): encryption, KMS key, checksums, metadata, tags, versions. */
export function ObjectDetails({ clients, bucket, location }: PageProps & { bucket: string }) {
  const key = location.query.get('key') ?? '';
  const versionId = location.query.get('versionId') ?? undefined;
  const head = useAsync(() => clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' })), [clients, bucket, key, versionId]);
  const tags = useAsync(async () => (await clients.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }))).TagSet ?? [], [clients, bucket, key, versionId]);
  const versions = useAsync(async () => {
    const r = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, MaxKeys: 100 }));
    return (r.Versions ?? []).filter((v) => v.Key === key);
  }, [clients, bucket, key]);
  const tagAction = useAction();
  const download = useAction();
  const [deleting, setDeleting] = useState(false);
  const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  const name = key.slice(folder.length);
  const saveTags = (_a: unknown, _r: unknown, all: { Key: string; Value: string }[]) => all.length
    ? clients.s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId, Tagging: { TagSet: all } }))
    : clients.s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: key, VersionId: versionId }));

  return (
    <>
      <PageHeader title={name} sub={versionId ? <>Version <span className="mono">{versionId}</span></> : undefined}
        crumbs={[{ label: 'Buckets', to: '/buckets' }, { label: bucket, to: `/buckets/${seg(bucket)}?prefix=${encodeURIComponent(folder)}` }]}
        actions={
          <>
            <button type="button" onClick={() => download.run(() => downloadObject(clients.s3, bucket, key, versionId))}>Download</button>
            <button type="button" className="danger" onClick={() => setDeleting(true)}>Delete</button>
          </>
        } />
      <ErrorBox error={download.error} onDismiss={download.clear} />
      <AsyncView state={head} label="Loading object…">
        {(h) => (
          <>
            <Section title="Encryption" id="object-encryption"><EncryptionDetails h={h} /></Section>
            <Section title="Object" id="object-overview">
              <Details items={[
                ['Key', <span className="mono wrap">{key}</span>],
                ['Size', `${size(h.ContentLength)} (${h.ContentLength} bytes)`],
                ['Type', h.ContentType],
                ['Last modified', when(h.LastModified)],
                ['ETag', <span className="mono">{h.ETag}</span>],
                ['Version ID', h.VersionId ? <span className="mono">{h.VersionId}</span> : undefined],
                ['Storage class', h.StorageClass ?? 'STANDARD'],
                ['Cache-Control', h.CacheControl],
                ['Content-Encoding', h.ContentEncoding],
                ['Content-Disposition', h.ContentDisposition],
              ]} />
            </Section>
            <Section title="Checksums" id="object-checksums">
              {!h.ChecksumCRC64NVME && !h.ChecksumCRC32 && !h.ChecksumCRC32C && !h.ChecksumSHA1 && !h.ChecksumSHA256 && <p className="muted">S3 reports no additional checksum for this object (it was uploaded without one).</p>}
              <Details hideEmpty items={[
                ['Checksum type', h.ChecksumType],
                ['CRC64NVME', h.ChecksumCRC64NVME && <span className="mono">{h.ChecksumCRC64NVME}</span>],
                ['CRC32', h.ChecksumCRC32 && <span className="mono">{h.ChecksumCRC32}</span>],
                ['CRC32C', h.ChecksumCRC32C && <span className="mono">{h.ChecksumCRC32C}</span>],
                ['SHA-1', h.ChecksumSHA1 && <span className="mono">{h.ChecksumSHA1}</span>],
                ['SHA-256', h.ChecksumSHA256 && <span className="mono">{h.ChecksumSHA256}</span>],
              ]} />
            </Section>
            <Section title="Metadata" id="object-metadata">
              {Object.keys(h.Metadata ?? {}).length
                ? <Details items={Object.entries(h.Metadata!).map(([k, v]) => [`x-amz-meta-${k}`, v])} />
                : <p className="muted">No user metadata.</p>}
            </Section>
          </>
        )}
      </AsyncView>
      <Section title="Tags" id="object-tags">
        <AsyncView state={tags} label="Loading tags…">
          {(t) => <TagEditor tags={t.map((x) => ({ Key: x.Key!, Value: x.Value ?? '' }))} action={tagAction} onSave={saveTags} onSaved={tags.reload} />}
        </AsyncView>
      </Section>
      <Section title="Versions" id="object-versions">
        <AsyncView state={versions} label="Loading versions…">
          {(list) => (
            <DataTable rows={list} rowKey={(v) => v.VersionId ?? 'null'} empty="No versions listed."
              columns={[
                { header: 'Version', className: 'wrap', cell: (v) => <Link to={`/buckets/${seg(bucket)}/object?key=${encodeURIComponent(key)}&versionId=${encodeURIComponent(v.VersionId ?? 'null')}`} className="mono">{v.VersionId}</Link> },
                { header: 'Latest', cell: (v) => (v.IsLatest ? <Badge value="latest" tone="good" /> : null) },
                { header: 'Size', className: 'num', cell: (v) => size(v.Size) },
                { header: 'Modified', cell: (v) => when(v.LastModified) },
              ]} />
          )}
        </AsyncView>
      </Section>
      {deleting && <DeleteDialog clients={clients} bucket={bucket} entry={{ key, versionId }} onClose={(done) => { setDeleting(false); if (done) navigate(`/buckets/${seg(bucket)}?prefix=${encodeURIComponent(folder)}`); }} />}
    </>
  );
}

function EncryptionDetails({ h }: { h: HeadObjectCommandOutput }) {
  return (
    <Details items={[
      ['Server-side encryption', h.ServerSideEncryption ? <strong data-testid="object-sse">{SSE_NAMES[h.ServerSideEncryption] ?? h.ServerSideEncryption}</strong> : h.SSECustomerAlgorithm ? 'SSE-C' : 'None reported'],
      ['KMS key', h.SSEKMSKeyId ? keyLink(h.SSEKMSKeyId) : undefined],
      ['Bucket Key', h.BucketKeyEnabled === undefined ? undefined : h.BucketKeyEnabled ? 'Enabled' : 'Disabled'],
      ['Customer key (SSE-C)', h.SSECustomerAlgorithm ? `${h.SSECustomerAlgorithm}, key MD5 ${h.SSECustomerKeyMD5}` : undefined],
    ]} />
  );
}
