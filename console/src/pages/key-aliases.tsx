import { CreateAliasCommand, DeleteAliasCommand, ListAliasesCommand } from '@aws-sdk/client-kms';
import { useState } from 'react';
import type { Clients } from '../aws';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { BusyButton } from '../components/form';
import { Section } from '../components/page';
import { AsyncView } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';

/** The key's aliases: add and remove. */
export function KeyAliases({ clients, keyId }: { clients: Clients; keyId: string }) {
  const state = useAsync(async () => (await clients.kms.send(new ListAliasesCommand({ KeyId: keyId, Limit: 100 }))).Aliases ?? [], [clients, keyId]);
  const [name, setName] = useState('');
  const action = useAction();
  const call = (fn: () => Promise<unknown>) => action.run(fn).then((ok) => { if (ok) state.reload(); return ok; });
  const add = async () => {
    const alias = name.trim().startsWith('alias/') ? name.trim() : `alias/${name.trim()}`;
    if (await call(() => clients.kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId })))) setName('');
  };
  return (
    <Section title="Aliases" id="key-aliases">
      <AsyncView state={state} label="Loading aliases…">
        {(aliases) => (
          <DataTable
            rows={aliases}
            rowKey={(a) => a.AliasName!}
            empty="No aliases."
            columns={[
              { header: 'Alias', cell: (a) => <span className="mono">{a.AliasName}</span> },
              { header: 'Created', cell: (a) => when(a.CreationDate) },
              { header: '', cell: (a) => <button type="button" className="link danger" aria-label={`Delete ${a.AliasName}`} onClick={() => call(() => clients.kms.send(new DeleteAliasCommand({ AliasName: a.AliasName! })))}>Delete</button> },
            ]}
          />
        )}
      </AsyncView>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); add(); }}>
        <input aria-label="New alias name" placeholder="alias/my-key" value={name} onChange={(e) => setName(e.target.value)} required />
        <BusyButton type="submit" busy={action.busy}>Add alias</BusyButton>
      </form>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </Section>
  );
}
