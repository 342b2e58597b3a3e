import { CreateAliasCommand, CreateKeyCommand, type KeySpec, type KeyUsageType } from '@aws-sdk/client-kms';
import { useState, type FormEvent } from 'react';
import type { Clients } from '../aws';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field, parseTagLines } from '../components/form';
import { useAction } from '../hooks';
import { navigate, seg } from '../router';

/** Which usages each key spec allows (https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html). */
const SPECS: { spec: KeySpec; usages: KeyUsageType[] }[] = [
  { spec: 'SYMMETRIC_DEFAULT', usages: ['ENCRYPT_DECRYPT'] },
  { spec: 'RSA_2048', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'] },
  { spec: 'RSA_3072', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'] },
  { spec: 'RSA_4096', usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'] },
  { spec: 'ECC_NIST_P256', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'] },
  { spec: 'ECC_NIST_P384', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'] },
  { spec: 'ECC_NIST_P521', usages: ['SIGN_VERIFY', 'KEY_AGREEMENT'] },
  { spec: 'ECC_SECG_P256K1', usages: ['SIGN_VERIFY'] },
  { spec: 'HMAC_224', usages: ['GENERATE_VERIFY_MAC'] },
  { spec: 'HMAC_256', usages: ['GENERATE_VERIFY_MAC'] },
  { spec: 'HMAC_384', usages: ['GENERATE_VERIFY_MAC'] },
  { spec: 'HMAC_512', usages: ['GENERATE_VERIFY_MAC'] },
];

/** Create key: spec, usage, alias, description, tags; then opens the new key. */
export function CreateKeyDialog({ open, clients, onClose }: { open: boolean; clients: Clients; onClose: () => void }) {
  const [spec, setSpec] = useState<KeySpec>('SYMMETRIC_DEFAULT');
  const [usage, setUsage] = useState<KeyUsageType>('ENCRYPT_DECRYPT');
  const [alias, setAlias] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const action = useAction();
  const usages = SPECS.find((s) => s.spec === spec)!.usages;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const tagList = parseTagLines(tags).map((t) => ({ TagKey: t.Key, TagValue: t.Value }));
      const created = await clients.kms.send(new CreateKeyCommand({
        KeySpec: spec, KeyUsage: usage, Description: description || undefined, Tags: tagList.length ? tagList : undefined,
      }));
      const keyId = created.KeyMetadata!.KeyId!;
      const name = alias.trim();
      if (name) await clients.kms.send(new CreateAliasCommand({ AliasName: name.startsWith('alias/') ? name : `alias/${name}`, TargetKeyId: keyId }));
      onClose();
      navigate(`/keys/${seg(keyId)}`);
    });
  };

  return (
    <Dialog open={open} title="Create KMS key" onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Key spec">
          {(id) => (
            <select id={id} value={spec} onChange={(e) => { const s = e.target.value as KeySpec; setSpec(s); setUsage(SPECS.find((x) => x.spec === s)!.usages[0]!); }}>
              {SPECS.map((s) => <option key={s.spec}>{s.spec}</option>)}
            </select>
          )}
        </Field>
        <Field label="Key usage">
          {(id) => (
            <select id={id} value={usage} onChange={(e) => setUsage(e.target.value as KeyUsageType)}>
              {usages.map((u) => <option key={u}>{u}</option>)}
            </select>
          )}
        </Field>
        <Field label="Alias" hint="Optional; alias/ is added if you leave it out.">
          {(id) => <input id={id} name="alias" value={alias} placeholder="alias/app-data" onChange={(e) => setAlias(e.target.value)} />}
        </Field>
        <Field label="Description">
          {(id) => <input id={id} name="description" value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field label="Tags" hint="One key=value per line.">
          {(id) => <textarea id={id} name="tags" rows={3} className="code" value={tags} onChange={(e) => setTags(e.target.value)} />}
        </Field>
        <ErrorBox error={action.error} onDismiss={action.clear} />
        <div className="row">
          <BusyButton type="submit" busy={action.busy}>Create key</BusyButton>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
