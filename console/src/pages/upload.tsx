import { useId, useRef, useState, type FormEvent } from 'react';
import type { Clients } from '../aws';
import { ErrorBox } from '../components/error-box';
import { BusyButton, Field } from '../components/form';
import { KeyPicker } from '../components/key-picker';
import { describeError, type ShownError } from '../errors';
import { size } from '../paging';
import { MULTIPART_THRESHOLD, uploadFile, type UploadEncryption } from '../s3-transfer';

interface Job { name: string; total: number; sent: number; done: boolean; multipart: boolean; error?: ShownError }

/** Upload files into the current folder with the chosen SSE mode, each with a progress bar. */
export function UploadPanel({ clients, bucket, prefix, onUploaded }: { clients: Clients; bucket: string; prefix: string; onUploaded: () => void }) {
  const fileId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [sse, setSse] = useState<UploadEncryption>({ mode: 'default', keyArn: '' });
  const [jobs, setJobs] = useState<Job[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const files = Array.from(input.current?.files ?? []);
    if (!files.length) return;
    setBusy(true);
    setJobs(files.map((f) => ({ name: f.name, total: f.size, sent: 0, done: false, multipart: f.size > MULTIPART_THRESHOLD })));
    const update = (i: number, patch: Partial<Job>) => setJobs((js) => js.map((j, k) => (k === i ? { ...j, ...patch } : j)));
    for (const [i, file] of files.entries()) {
      try {
        await uploadFile(clients.s3, bucket, prefix + file.name, file, sse, (sent) => update(i, { sent }));
        update(i, { done: true });
      } catch (err) {
        update(i, { error: describeError(err) });
      }
    }
    setBusy(false);
    if (input.current) input.current.value = '';
    onUploaded();
  };

  return (
    <section className="card" aria-labelledby={`${fileId}-title`}>
      <h2 id={`${fileId}-title`}>Upload to {bucket}/{prefix}</h2>
      <form onSubmit={submit} className="upload-form">
        <Field label="Files">{(id) => <input id={id} ref={input} type="file" multiple required name="files" />}</Field>
        <Field label="Encryption">
          {(id) => (
            <select id={id} name="sse" value={sse.mode} onChange={(e) => setSse({ ...sse, mode: e.target.value as UploadEncryption['mode'] })}>
              <option value="default">Bucket default</option>
              <option value="AES256">SSE-S3</option>
              <option value="aws:kms">SSE-KMS</option>
            </select>
          )}
        </Field>
        {sse.mode === 'aws:kms' && <Field label="KMS key">{(id) => <KeyPicker id={id} clients={clients} value={sse.keyArn} onChange={(keyArn) => setSse({ ...sse, keyArn })} />}</Field>}
        <BusyButton type="submit" busy={busy}>Upload</BusyButton>
      </form>
      {jobs.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {jobs.map((j, i) => (
            <li key={i}>
              <div className="upload-line">
                <span className="wrap">{j.name}</span>
                <span className="muted">{j.error ? 'failed' : j.done ? 'done' : `${size(j.sent)} of ${size(j.total)}${j.multipart ? ' (multipart)' : ''}`}</span>
              </div>
              {/* A single PutObject reports no intermediate progress: the bar is indeterminate until it ends. */}
              <progress max={j.total || 1} value={j.done ? j.total || 1 : j.multipart || j.sent ? j.sent : undefined} aria-label={`Upload progress of ${j.name}`} />
              <ErrorBox error={j.error} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
