import {
  CreateAccessKeyCommand, CreateVirtualMFADeviceCommand, DeactivateMFADeviceCommand, DeleteAccessKeyCommand, DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand, ListAccessKeysCommand, ListMFADevicesCommand, UpdateAccessKeyCommand, type AccessKey, type IAMClient, type VirtualMFADevice,
} from '@aws-sdk/client-iam';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field } from '../components/form';
import { Section } from '../components/page';
import { AsyncView, Badge } from '../components/status';
import { useAction, useAsync } from '../hooks';
import { when } from '../paging';

/** Access keys: list, activate/deactivate, delete; create shows the secret exactly once. */
export function AccessKeys({ iam, user }: { iam: IAMClient; user: string }) {
  const state = useAsync(async () => (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [], [iam, user]);
  const action = useAction();
  const [created, setCreated] = useState<AccessKey>();
  const change = (fn: () => Promise<unknown>) => action.run(fn).then((ok) => ok && state.reload());
  const create = () => action.run(async () => {
    setCreated((await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey);
    state.reload();
  });
  return (
    <Section title="Access keys" id="user-keys" actions={<BusyButton busy={action.busy} onClick={create}>Create access key</BusyButton>}>
      <AsyncView state={state} label="Loading access keys…">
        {(keys) => (
          <DataTable rows={keys} rowKey={(k) => k.AccessKeyId!} empty="No access keys."
            columns={[
              { header: 'Access key ID', cell: (k) => <span className="mono">{k.AccessKeyId}</span> },
              { header: 'Status', cell: (k) => <Badge value={k.Status ?? ''} /> },
              { header: 'Created', cell: (k) => when(k.CreateDate) },
              { header: 'Actions', cell: (k) => (
                <span className="row-actions">
                  <button type="button" className="link" onClick={() => change(() => iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: k.AccessKeyId!, Status: k.Status === 'Active' ? 'Inactive' : 'Active' })))}>
                    {k.Status === 'Active' ? 'Deactivate' : 'Activate'}
                  </button>
                  <button type="button" className="link danger" onClick={() => change(() => iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: k.AccessKeyId! })))}>Delete</button>
                </span>
              ) },
            ]} />
        )}
      </AsyncView>
      <ErrorBox error={action.error} onDismiss={action.clear} />
      <Dialog open={!!created} title="Access key created" onClose={() => setCreated(undefined)}>
        {created && (
          <>
            <p><strong>This is the only time the secret access key is shown.</strong> Store it now; it cannot be retrieved later.</p>
            <Field label="Access key ID">{(id) => <input id={id} readOnly className="code" value={created.AccessKeyId ?? ''} />}</Field>
            <Field label="Secret access key">{(id) => <input id={id} readOnly className="code" value={created.SecretAccessKey ?? ''} data-testid="new-secret" />}</Field>
            <button type="button" className="primary" onClick={() => setCreated(undefined)}>I have stored the secret</button>
          </>
        )}
      </Dialog>
    </Section>
  );
}

const base64 = (bytes?: Uint8Array) => (bytes ? btoa(String.fromCharCode(...bytes)) : '');

/** MFA devices: list, deactivate; add a virtual device (seed/QR shown once, then two codes to enable). */
export function MfaDevices({ iam, user }: { iam: IAMClient; user: string }) {
  const state = useAsync(async () => (await iam.send(new ListMFADevicesCommand({ UserName: user }))).MFADevices ?? [], [iam, user]);
  const action = useAction();
  const [device, setDevice] = useState<VirtualMFADevice>();
  const [codes, setCodes] = useState(['', '']);
  const change = (fn: () => Promise<unknown>) => action.run(fn).then((ok) => ok && state.reload());
  const start = () => action.run(async () => {
    const r = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${user}-${Date.now().toString(36)}` }));
    setDevice(r.VirtualMFADevice);
    setCodes(['', '']);
  });
  const enable = async () => {
    if (!device) return;
    const ok = await action.run(() => iam.send(new EnableMFADeviceCommand({ UserName: user, SerialNumber: device.SerialNumber!, AuthenticationCode1: codes[0]!, AuthenticationCode2: codes[1]! })));
    if (ok) { setDevice(undefined); state.reload(); }
  };
  const abandon = () => {
    const serial = device?.SerialNumber;
    setDevice(undefined);
    // An unassigned virtual device is useless; delete it so the name can be reused.
    if (serial) iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })).catch(() => undefined);
  };
  return (
    <Section title="MFA devices" id="user-mfa" actions={<BusyButton className="" busy={action.busy} onClick={start}>Assign virtual MFA device</BusyButton>}>
      <AsyncView state={state} label="Loading MFA devices…">
        {(devices) => (
          <DataTable rows={devices} rowKey={(d) => d.SerialNumber!} empty="No MFA device assigned."
            columns={[
              { header: 'Serial number', className: 'wrap', cell: (d) => <span className="mono small">{d.SerialNumber}</span> },
              { header: 'Enabled', cell: (d) => when(d.EnableDate) },
              { header: '', cell: (d) => <button type="button" className="link danger" onClick={() => change(() => iam.send(new DeactivateMFADeviceCommand({ UserName: user, SerialNumber: d.SerialNumber! })))}>Deactivate</button> },
            ]} />
        )}
      </AsyncView>
      {!device && <ErrorBox error={action.error} onDismiss={action.clear} />}
      <Dialog open={!!device} title="Assign virtual MFA device" onClose={abandon}>
        {device && (
          <form onSubmit={(e) => { e.preventDefault(); enable(); }}>
            <p>Scan the QR code with an authenticator app, or enter the secret key by hand. Neither is shown again.</p>
            {device.QRCodePNG && <img className="qr" alt="QR code of the MFA secret" src={`data:image/png;base64,${base64(device.QRCodePNG)}`} />}
            <Field label="Secret key (Base32)">{(id) => <input id={id} readOnly className="code" value={device.Base32StringSeed ? new TextDecoder().decode(device.Base32StringSeed) : ''} />}</Field>
            <Field label="First code">{(id) => <input id={id} inputMode="numeric" pattern="\d{6}" required value={codes[0]} onChange={(e) => setCodes([e.target.value, codes[1]!])} />}</Field>
            <Field label="Second (next) code">{(id) => <input id={id} inputMode="numeric" pattern="\d{6}" required value={codes[1]} onChange={(e) => setCodes([codes[0]!, e.target.value])} />}</Field>
            <ErrorBox error={action.error} onDismiss={action.clear} />
            <div className="row">
              <BusyButton type="submit" busy={action.busy}>Enable MFA</BusyButton>
              <button type="button" onClick={abandon}>Cancel</button>
            </div>
          </form>
        )}
      </Dialog>
    </Section>
  );
}
