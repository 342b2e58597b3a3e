import { DisableKeyRotationCommand, EnableKeyRotationCommand, GetKeyRotationStatusCommand, ListKeyRotationsCommand, RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { useState } from 'react';
import type { Clients } from '../aws';
import { DataTable } from '../components/data-table';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field } from '../components/form';
import { Details, Section } from '../components/page';
import { AsyncView, Badge } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';

/** Automatic rotation on/off with its period, rotate now, and the rotations so far. */
export function KeyRotation({ clients, keyId }: { clients: Clients; keyId: string }) {
  const status = useAsync(() => clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId })), [clients, keyId]);
  const rotations = useAsync(async () => (await clients.kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 100 }))).Rotations ?? [], [clients, keyId]);
  const [period, setPeriod] = useState(365);
  const action = useAction();
  const call = (fn: () => Promise<unknown>) => action.run(fn).then((ok) => { if (ok) { status.reload(); rotations.reload(); } });

  return (
    <Section title="Key rotation" id="key-rotation">
      <AsyncView state={status} label="Loading rotation status…">
        {(s) => (
          <>
            <Details items={[
              ['Automatic rotation', <Badge value={s.KeyRotationEnabled ? 'Enabled' : 'Disabled'} />],
              ['Rotation period', s.RotationPeriodInDays ? `${s.RotationPeriodInDays} days` : undefined],
              ['Next rotation', when(s.NextRotationDate)],
              ['On-demand rotation started', when(s.OnDemandRotationStartDate)],
            ]} />
            <div className="row wrap-row">
              {s.KeyRotationEnabled
                ? <BusyButton className="" busy={action.busy} onClick={() => call(() => clients.kms.send(new DisableKeyRotationCommand({ KeyId: keyId })))}>Disable automatic rotation</BusyButton>
                : (
                  <form className="inline-form" onSubmit={(e) => { e.preventDefault(); call(() => clients.kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: period }))); }}>
                    <Field label="Period (days, 90–2560)">
                      {(id) => <input id={id} type="number" min={90} max={2560} value={period} onChange={(e) => setPeriod(Number(e.target.value))} />}
                    </Field>
                    <BusyButton type="submit" busy={action.busy}>Enable automatic rotation</BusyButton>
                  </form>
                )}
              <BusyButton className="" busy={action.busy} onClick={() => call(() => clients.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })))}>Rotate now</BusyButton>
            </div>
          </>
        )}
      </AsyncView>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <h3>Rotations</h3>
      <AsyncView state={rotations} label="Loading rotations…">
        {(list) => (
          <DataTable
            rows={list}
            rowKey={(r) => `${r.KeyId}-${String(r.RotationDate)}`}
            empty="This key has not been rotated yet."
            columns={[
              { header: 'Rotated', cell: (r) => when(r.RotationDate) },
              { header: 'Type', cell: (r) => r.RotationType },
            ]}
          />
        )}
      </AsyncView>
    </Section>
  );
}
