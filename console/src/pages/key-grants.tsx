import { CreateGrantCommand, ListGrantsCommand, RevokeGrantCommand, type GrantOperation } from '@aws-sdk/client-kms';
import { useState, type FormEvent } from 'react';
import type { Clients } from '../aws';
import { DataTable } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Checkbox, Field } from '../components/form';
import { Section } from '../components/page';
import { AsyncView } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';

const OPERATIONS: GrantOperation[] = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey',
  'CreateGrant', 'RetireGrant', 'Sign', 'Verify', 'GetPublicKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac', 'VerifyMac', 'DeriveSharedSecret',
];

/** Grants on the key: list, create (the grant token is shown once), revoke. */
export function KeyGrants({ clients, keyId }: { clients: Clients; keyId: string }) {
  const state = useAsync(async () => (await clients.kms.send(new ListGrantsCommand({ KeyId: keyId, Limit: 100 }))).Grants ?? [], [clients, keyId]);
  const [creating, setCreating] = useState(false);
  const action = useAction();
  return (
    <Section title="Grants" id="key-grants" actions={<button type="button" onClick={() => setCreating(true)}>Create grant</button>}>
      <AsyncView state={state} label="Loading grants…">
        {(grants) => (
          <DataTable
            rows={grants}
            rowKey={(g) => g.GrantId!}
            empty="No grants on this key."
            columns={[
              { header: 'Name', cell: (g) => g.Name },
              { header: 'Grantee', className: 'wrap', cell: (g) => <span className="mono">{g.GranteePrincipal}</span> },
              { header: 'Operations', cell: (g) => g.Operations?.join(', ') },
              { header: 'Created', cell: (g) => when(g.CreationDate) },
              { header: '', cell: (g) => <button type="button" className="link danger" onClick={() => action.run(() => clients.kms.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: g.GrantId! }))).then((ok) => ok && state.reload())}>Revoke</button> },
            ]}
          />
        )}
      </AsyncView>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      {creating && <CreateGrantDialog clients={clients} keyId={keyId} onClose={() => { setCreating(false); state.reload(); }} />}
    </Section>
  );
}

function CreateGrantDialog({ clients, keyId, onClose }: { clients: Clients; keyId: string; onClose: () => void }) {
  const [grantee, setGrantee] = useState('');
  const [retiring, setRetiring] = useState('');
  const [name, setName] = useState('');
  const [ops, setOps] = useState<GrantOperation[]>(['Decrypt', 'Encrypt', 'GenerateDataKey']);
  const [created, setCreated] = useState<{ id: string; token: string }>();
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      const r = await clients.kms.send(new CreateGrantCommand({
        KeyId: keyId, GranteePrincipal: grantee.trim(), RetiringPrincipal: retiring.trim() || undefined, Operations: ops, Name: name.trim() || undefined,
      }));
      setCreated({ id: r.GrantId ?? '', token: r.GrantToken ?? '' });
    });
  };
  return (
    <Dialog open title="Create grant" onClose={onClose}>
      {created ? (
        <>
          <p>Grant <code>{created.id}</code> created. Its grant token is shown only now:</p>
          <textarea readOnly className="code" rows={4} value={created.token} aria-label="Grant token" />
          <button type="button" className="primary" onClick={onClose}>Done</button>
        </>
      ) : (
        <form onSubmit={submit}>
          <Field label="Grantee principal (ARN)">{(id) => <input id={id} required value={grantee} onChange={(e) => setGrantee(e.target.value)} placeholder="arn:aws:iam::111122223333:role/app" />}</Field>
          <Field label="Retiring principal (optional)">{(id) => <input id={id} value={retiring} onChange={(e) => setRetiring(e.target.value)} />}</Field>
          <Field label="Name (optional)">{(id) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} />}</Field>
          <fieldset className="checks">
            <legend>Operations</legend>
            {OPERATIONS.map((op) => <Checkbox key={op} label={op} checked={ops.includes(op)} onChange={(on) => setOps(on ? [...ops, op] : ops.filter((o) => o !== op))} />)}
          </fieldset>
          <ErrorBox error={action.error} onDismiss={action.clear} />
          <div className="row">
            <BusyButton type="submit" busy={action.busy} disabled={ops.length === 0}>Create grant</BusyButton>
            <button type="button" onClick={onClose}>Cancel</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
