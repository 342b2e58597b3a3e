import { CancelKeyDeletionCommand, DescribeKeyCommand, DisableKeyCommand, EnableKeyCommand, ScheduleKeyDeletionCommand, UpdateKeyDescriptionCommand, type KeyMetadata } from '@aws-sdk/client-kms';
import { useState } from 'react';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field } from '../components/form';
import { Details, PageHeader, Section } from '../components/page';
import { AsyncView, Badge } from '../components/status';
import { useAction, useAsync, type Action } from '../hooks';
import { when } from '../paging';
import type { PageProps } from '../routes';
import { KeyAliases } from './key-aliases';
import { KeyGrants } from './key-grants';
import { KeyPolicy, KeyTags } from './key-policy-tags';
import { KeyRotation } from './key-rotation';

/** One key: its metadata, state changes, rotation, aliases, grants, policy and tags. */
export function KeyDetails({ clients, keyId }: PageProps & { keyId: string }) {
  const state = useAsync(async () => (await clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!, [clients, keyId]);
  const action = useAction();
  const [deleting, setDeleting] = useState(false);
  const [editing, setEditing] = useState(false);
  const call = (fn: () => Promise<unknown>) => action.run(fn).then((ok) => { if (ok) state.reload(); return ok; });
  const meta = state.data;

  return (
    <>
      <PageHeader
        title={meta?.Description || keyId}
        crumbs={[{ label: 'Keys', to: '/keys' }, { label: keyId }]}
        sub={meta ? <span className="mono wrap">{meta.Arn}</span> : undefined}
        actions={meta && meta.KeyManager === 'CUSTOMER' && (
          <>
            {meta.KeyState === 'Enabled' && <BusyButton className="" busy={action.busy} onClick={() => call(() => clients.kms.send(new DisableKeyCommand({ KeyId: keyId })))}>Disable</BusyButton>}
            {meta.KeyState === 'Disabled' && <BusyButton busy={action.busy} onClick={() => call(() => clients.kms.send(new EnableKeyCommand({ KeyId: keyId })))}>Enable</BusyButton>}
            {meta.KeyState === 'PendingDeletion'
              ? <BusyButton busy={action.busy} onClick={() => call(() => clients.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId })))}>Cancel deletion</BusyButton>
              : <button type="button" className="danger" onClick={() => setDeleting(true)}>Schedule deletion</button>}
          </>
        )}
      />
      {!deleting && !editing && <ErrorBox error={action.error} onDismiss={action.clear} />}
      <Section title="General" id="key-general" actions={meta?.KeyManager === 'CUSTOMER' && <button type="button" onClick={() => setEditing(true)}>Edit description</button>}>
        <AsyncView state={state} label="Loading key…">{(m) => <KeySummary meta={m} />}</AsyncView>
      </Section>
      {meta && (
        <>
          {meta.KeySpec === 'SYMMETRIC_DEFAULT' && <KeyRotation clients={clients} keyId={keyId} />}
          <KeyAliases clients={clients} keyId={keyId} />
          <KeyGrants clients={clients} keyId={keyId} />
          <KeyPolicy clients={clients} keyId={keyId} />
          <KeyTags clients={clients} keyId={keyId} />
        </>
      )}
      <ScheduleDeletionDialog open={deleting} onClose={() => setDeleting(false)} onSchedule={(days) => call(() => clients.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: days }))).then((ok) => ok && setDeleting(false))} action={action} />
      {editing && meta && (
        <DescriptionDialog initial={meta.Description ?? ''} onClose={() => setEditing(false)} onSave={(d) => call(() => clients.kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: d }))).then((ok) => ok && setEditing(false))} action={action} />
      )}
    </>
  );
}

function KeySummary({ meta }: { meta: KeyMetadata }) {
  return (
    <Details items={[
      ['Key ID', <span className="mono">{meta.KeyId}</span>],
      ['State', <Badge value={meta.KeyState ?? ''} />],
      ['Key spec', meta.KeySpec],
      ['Key usage', meta.KeyUsage],
      ['Origin', meta.Origin],
      ['Managed by', meta.KeyManager],
      ['Created', when(meta.CreationDate)],
      ['Deletion date', meta.DeletionDate ? when(meta.DeletionDate) : undefined],
      ['Pending window', meta.PendingDeletionWindowInDays ? `${meta.PendingDeletionWindowInDays} days` : undefined],
      ['Algorithms', [...(meta.EncryptionAlgorithms ?? []), ...(meta.SigningAlgorithms ?? []), ...(meta.MacAlgorithms ?? []), ...(meta.KeyAgreementAlgorithms ?? [])].join(', ')],
      ['Multi-Region', meta.MultiRegion ? 'Yes' : 'No'],
    ]} />
  );
}

function ScheduleDeletionDialog({ open, onClose, onSchedule, action }: { open: boolean; onClose: () => void; onSchedule: (days: number) => void; action: Action }) {
  const [days, setDays] = useState(30);
  return (
    <Dialog open={open} title="Schedule key deletion" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); onSchedule(days); }}>
        <p>After the waiting period the key material is destroyed and everything encrypted under it can no longer be decrypted. Until then you can cancel.</p>
        <Field label="Waiting period (days)" hint="7 to 30 days.">
          {(id) => <input id={id} type="number" min={7} max={30} required value={days} onChange={(e) => setDays(Number(e.target.value))} />}
        </Field>
        <ErrorBox error={action.error} />
        <div className="row">
          <BusyButton type="submit" className="danger" busy={action.busy}>Schedule deletion</BusyButton>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}

function DescriptionDialog({ initial, onClose, onSave, action }: { initial: string; onClose: () => void; onSave: (d: string) => void; action: Action }) {
  const [text, setText] = useState(initial);
  return (
    <Dialog open title="Edit description" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); onSave(text); }}>
        <Field label="Description">{(id) => <input id={id} value={text} onChange={(e) => setText(e.target.value)} />}</Field>
        <ErrorBox error={action.error} />
        <div className="row">
          <BusyButton type="submit" busy={action.busy}>Save</BusyButton>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
