import {
  DeleteBucketPolicyCommand, DeleteBucketTaggingCommand, DeletePublicAccessBlockCommand, GetBucketPolicyCommand, GetBucketTaggingCommand,
  GetBucketVersioningCommand, GetPublicAccessBlockCommand, PutBucketPolicyCommand, PutBucketTaggingCommand, PutBucketVersioningCommand,
  PutPublicAccessBlockCommand, type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { useEffect, useState } from 'react';
import type { Clients } from '../aws';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Checkbox } from '../components/form';
import { JsonEditor } from '../components/json-editor';
import { Details, PageHeader, Section } from '../components/page';
import { AsyncView, Badge } from '../components/status';
import { TagEditor } from '../components/tag-editor';
import { useAction, useAsync } from '../hooks';
import { Link, seg } from '../router';
import type { PageProps } from '../routes';
import { BucketEncryption } from './bucket-encryption';

/** What S3 answers when a bucket has no such configuration: an empty setting, not a failure. */
async function orNone<T>(fn: () => Promise<T>, codes: string[]): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (codes.includes((err as Error).name)) return null;
    throw err;
  }
}

/** A bucket's settings: encryption, versioning, public access block, policy, tags. */
export function BucketSettings({ clients, bucket }: PageProps & { bucket: string }) {
  return (
    <>
      <PageHeader title={bucket} crumbs={[{ label: 'Buckets', to: '/buckets' }, { label: bucket, to: `/buckets/${seg(bucket)}` }, { label: 'Settings' }]}
        actions={<Link to={`/buckets/${seg(bucket)}`} className="button">Browse objects</Link>} />
      <BucketEncryption clients={clients} bucket={bucket} />
      <Versioning clients={clients} bucket={bucket} />
      <PublicAccessBlock clients={clients} bucket={bucket} />
      <BucketPolicy clients={clients} bucket={bucket} />
      <BucketTags clients={clients} bucket={bucket} />
    </>
  );
}

function Versioning({ clients, bucket }: { clients: Clients; bucket: string }) {
  const state = useAsync(() => clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket })), [clients, bucket]);
  const action = useAction();
  const set = (Status: 'Enabled' | 'Suspended') => action.run(() => clients.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status } }))).then((ok) => ok && state.reload());
  return (
    <Section title="Versioning" id="bucket-versioning">
      <AsyncView state={state} label="Loading versioning…">
        {(v) => (
          <div className="row wrap-row">
            <Badge value={v.Status ?? 'Never enabled'} tone={v.Status === 'Enabled' ? 'good' : 'muted'} />
            {v.Status === 'Enabled'
              ? <BusyButton className="" busy={action.busy} onClick={() => set('Suspended')}>Suspend versioning</BusyButton>
              : <BusyButton busy={action.busy} onClick={() => set('Enabled')}>Enable versioning</BusyButton>}
          </div>
        )}
      </AsyncView>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </Section>
  );
}

const BLOCK_FLAGS: [keyof PublicAccessBlockConfiguration, string][] = [
  ['BlockPublicAcls', 'Block public ACLs on new objects and buckets'],
  ['IgnorePublicAcls', 'Ignore existing public ACLs'],
  ['BlockPublicPolicy', 'Block new public bucket policies'],
  ['RestrictPublicBuckets', 'Restrict access to buckets with public policies'],
];

function PublicAccessBlock({ clients, bucket }: { clients: Clients; bucket: string }) {
  const state = useAsync(() => orNone(async () => (await clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration ?? null, ['NoSuchPublicAccessBlockConfiguration']), [clients, bucket]);
  const [draft, setDraft] = useState<PublicAccessBlockConfiguration>({});
  useEffect(() => setDraft(state.data ?? {}), [state.data]);
  const action = useAction();
  const save = () => action.run(() => clients.s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: {
    BlockPublicAcls: !!draft.BlockPublicAcls, IgnorePublicAcls: !!draft.IgnorePublicAcls, BlockPublicPolicy: !!draft.BlockPublicPolicy, RestrictPublicBuckets: !!draft.RestrictPublicBuckets,
  } }))).then((ok) => ok && state.reload());
  const remove = () => action.run(() => clients.s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }))).then((ok) => ok && state.reload());
  return (
    <Section title="Block public access" id="bucket-pab">
      <AsyncView state={state} label="Loading public access block…">
        {(config) => (
          <>
            {!config && <p className="muted">No public access block is configured on this bucket.</p>}
            <fieldset className="checks">
              <legend className="visually-hidden">Public access block settings</legend>
              {BLOCK_FLAGS.map(([flag, label]) => <Checkbox key={flag} label={label} checked={!!draft[flag]} onChange={(on) => setDraft({ ...draft, [flag]: on })} />)}
            </fieldset>
            <div className="row">
              <BusyButton busy={action.busy} onClick={save}>Save</BusyButton>
              {config && <BusyButton className="" busy={action.busy} onClick={remove}>Remove configuration</BusyButton>}
            </div>
          </>
        )}
      </AsyncView>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </Section>
  );
}

const POLICY_TEMPLATE = (bucket: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
});

function BucketPolicy({ clients, bucket }: { clients: Clients; bucket: string }) {
  const state = useAsync(() => orNone(async () => (await clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? null, ['NoSuchBucketPolicy']), [clients, bucket]);
  const action = useAction();
  const remove = useAction();
  return (
    <Section title="Bucket policy" id="bucket-policy" actions={state.data && <BusyButton className="danger" busy={remove.busy} onClick={() => remove.run(() => clients.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }))).then((ok) => ok && state.reload())}>Delete policy</BusyButton>}>
      <AsyncView state={state} label="Loading bucket policy…">
        {(policy) => (
          <>
            {!policy && <p className="muted">No bucket policy. The editor starts from an example that denies requests without TLS.</p>}
            <JsonEditor label="Bucket policy document" initial={policy ?? POLICY_TEMPLATE(bucket)} action={action} saveLabel="Save bucket policy"
              onSave={async (text) => { await clients.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text })); state.reload(); }} />
          </>
        )}
      </AsyncView>
      <ErrorBox error={remove.error} onDismiss={remove.clear} />
    </Section>
  );
}

function BucketTags({ clients, bucket }: { clients: Clients; bucket: string }) {
  const state = useAsync(async () => (await orNone(async () => (await clients.s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? [], ['NoSuchTagSet'])) ?? [], [clients, bucket]);
  const action = useAction();
  // S3 replaces the whole tag set at once.
  const save = (_add: unknown, _remove: unknown, all: { Key: string; Value: string }[]) => all.length
    ? clients.s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: all } }))
    : clients.s3.send(new DeleteBucketTaggingCommand({ Bucket: bucket }));
  return (
    <Section title="Tags" id="bucket-tags">
      <AsyncView state={state} label="Loading tags…">
        {(tags) => <TagEditor tags={tags.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' }))} action={action} onSave={save} onSaved={state.reload} />}
      </AsyncView>
    </Section>
  );
}
