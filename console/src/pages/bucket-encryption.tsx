import { GetBucketEncryptionCommand, PutBucketEncryptionCommand, type ServerSideEncryptionRule } from '@aws-sdk/client-s3';
import { useId, useState } from 'react';
import type { Clients } from '../aws';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Checkbox, Field } from '../components/form';
import { KeyPicker } from '../components/key-picker';
import { Details, Section } from '../components/page';
import { AsyncView } from '../components/status';
import { useAction, useAsync } from '../hooks';

/** A default-encryption choice: SSE-S3, or SSE-KMS with a key (empty = aws/s3) and S3 Bucket Keys. */
export interface EncryptionChoice { mode: 'AES256' | 'aws:kms'; keyArn: string; bucketKey: boolean }

export function encryptionRule(choice: EncryptionChoice): ServerSideEncryptionRule {
  return choice.mode === 'AES256'
    ? { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }
    : { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: choice.keyArn || undefined }, BucketKeyEnabled: choice.bucketKey };
}

/** The SSE mode radios, with the key picker and Bucket Key switch for SSE-KMS. */
export function EncryptionFields({ clients, value, onChange }: { clients: Clients; value: EncryptionChoice; onChange: (v: EncryptionChoice) => void }) {
  const name = useId();
  return (
    <fieldset className="radios">
      <legend>Default encryption</legend>
      <label className="checkbox"><input type="radio" name={name} checked={value.mode === 'AES256'} onChange={() => onChange({ ...value, mode: 'AES256' })} /> SSE-S3 (keys managed by Coffer)</label>
      <label className="checkbox"><input type="radio" name={name} checked={value.mode === 'aws:kms'} onChange={() => onChange({ ...value, mode: 'aws:kms' })} /> SSE-KMS (a KMS key you control)</label>
      {value.mode === 'aws:kms' && (
        <>
          <Field label="KMS key">{(id) => <KeyPicker id={id} clients={clients} value={value.keyArn} onChange={(keyArn) => onChange({ ...value, keyArn })} />}</Field>
          <Checkbox label="Use an S3 Bucket Key (fewer KMS calls)" checked={value.bucketKey} onChange={(bucketKey) => onChange({ ...value, bucketKey })} />
        </>
      )}
    </fieldset>
  );
}

/** The bucket's default encryption: shown, and changed through PutBucketEncryption. */
export function BucketEncryption({ clients, bucket }: { clients: Clients; bucket: string }) {
  const state = useAsync(async () => {
    try {
      return (await clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0];
    } catch (err) {
      if ((err as Error).name === 'ServerSideEncryptionConfigurationNotFoundError') return null;
      throw err;
    }
  }, [clients, bucket]);
  const [editing, setEditing] = useState<EncryptionChoice>();
  const action = useAction();
  const save = async () => {
    if (!editing) return;
    const ok = await action.run(() => clients.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [encryptionRule(editing)] } })));
    if (ok) { setEditing(undefined); state.reload(); }
  };
  const current = (rule: ServerSideEncryptionRule | null | undefined): EncryptionChoice => ({
    mode: rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms' ? 'aws:kms' : 'AES256',
    keyArn: rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID ?? '',
    bucketKey: rule?.BucketKeyEnabled ?? true,
  });
  return (
    <Section title="Default encryption" id="bucket-encryption" actions={!editing && state.data !== undefined && <button type="button" onClick={() => setEditing(current(state.data))}>Edit</button>}>
      <AsyncView state={state} label="Loading encryption…">
        {(rule) => (
          <Details items={[
            ['Encryption', rule ? (rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms' ? 'SSE-KMS' : rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms:dsse' ? 'DSSE-KMS' : 'SSE-S3') : 'No default encryption configured'],
            ['KMS key', rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID ? <span className="mono wrap">{rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID}</span> : rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms' ? 'aws/s3' : undefined],
            ['Bucket Key', rule ? (rule.BucketKeyEnabled ? 'Enabled' : 'Disabled') : undefined],
          ]} />
        )}
      </AsyncView>
      {editing && (
        <form onSubmit={(e) => { e.preventDefault(); save(); }}>
          <EncryptionFields clients={clients} value={editing} onChange={setEditing} />
          <div className="row">
            <BusyButton type="submit" busy={action.busy}>Save encryption</BusyButton>
            <button type="button" onClick={() => { setEditing(undefined); action.clear(); }}>Cancel</button>
          </div>
        </form>
      )}
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </Section>
  );
}
