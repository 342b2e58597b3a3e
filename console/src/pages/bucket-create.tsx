import { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutPublicAccessBlockCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { useState, type FormEvent } from 'react';
import type { Clients } from '../aws';
import { Dialog } from '../components/dialog';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Checkbox, Field } from '../components/form';
import { describeError, type ShownError } from '../errors';
import { useAction } from '../hooks';
import { Link, navigate, seg } from '../router';
import { EncryptionFields, encryptionRule, type EncryptionChoice } from './bucket-encryption';

/**
 * Create bucket with its settings: default encryption, versioning, public access block. The
 * bucket is created first; a setting the server refuses afterwards is reported without hiding
 * that the bucket exists.
 */
export function CreateBucketDialog({ clients, onClose }: { clients: Clients; onClose: () => void }) {
  const [name, setName] = useState('');
  const [encryption, setEncryption] = useState<EncryptionChoice>({ mode: 'AES256', keyArn: '', bucketKey: true });
  const [versioning, setVersioning] = useState(false);
  const [blockPublic, setBlockPublic] = useState(true);
  const [failed, setFailed] = useState<{ step: string; error: ShownError }[]>();
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(async () => {
      const Bucket = name.trim();
      const region = await clients.s3.config.region();
      await clients.s3.send(new CreateBucketCommand({
        Bucket, CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint },
      }));
      const steps: [string, () => Promise<unknown>][] = [];
      if (encryption.mode === 'aws:kms') steps.push(['Default encryption', () => clients.s3.send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [encryptionRule(encryption)] } }))]);
      if (versioning) steps.push(['Versioning', () => clients.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }))]);
      if (blockPublic) steps.push(['Block public access', () => clients.s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }))]);
      const problems: { step: string; error: ShownError }[] = [];
      for (const [step, run] of steps) {
        try { await run(); } catch (err) { problems.push({ step, error: describeError(err) }); }
      }
      if (problems.length) setFailed(problems);
      else { onClose(); navigate(`/buckets/${seg(Bucket)}`); }
    });
  };

  if (failed) {
    return (
      <Dialog open title="Bucket created, some settings failed" onClose={onClose}>
        <p>The bucket <strong>{name.trim()}</strong> exists, but the server refused:</p>
        {failed.map((f) => <div key={f.step}><h3>{f.step}</h3><ErrorBox error={f.error} /></div>)}
        <div className="row">
          <Link to={`/buckets/${seg(name.trim())}/settings`} className="button primary" onClick={onClose}>Open bucket settings</Link>
          <button type="button" onClick={onClose}>Close</button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog open title="Create bucket" onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Bucket name" hint="3–63 lower-case letters, digits, dots and hyphens.">
          {(id) => <input id={id} name="bucket" required minLength={3} maxLength={63} pattern="[a-z0-9][a-z0-9.\-]*[a-z0-9]" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <EncryptionFields clients={clients} value={encryption} onChange={setEncryption} />
        <Checkbox label="Enable versioning" checked={versioning} onChange={setVersioning} />
        <Checkbox label="Block all public access" checked={blockPublic} onChange={setBlockPublic} />
        <ErrorBox error={action.error} onDismiss={action.clear} />
        <div className="row">
          <BusyButton type="submit" busy={action.busy}>Create bucket</BusyButton>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
