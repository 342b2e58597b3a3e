import type { Clients } from '../aws';
import { useAsync } from '../hooks';
import { loadKeys } from '../pages/keys';
import { ErrorBox } from './error-box';

/**
 * Picks a KMS key for SSE-KMS: the enabled symmetric encryption keys this identity can list,
 * by alias; the empty value means the AWS managed key aws/s3.
 */
export function KeyPicker({ id, clients, value, onChange }: { id: string; clients: Clients; value: string; onChange: (arn: string) => void }) {
  const keys = useAsync(() => loadKeys(clients), [clients]);
  const usable = (keys.data ?? []).filter((k) => k.meta.KeyState === 'Enabled' && k.meta.KeySpec === 'SYMMETRIC_DEFAULT' && k.meta.KeyUsage === 'ENCRYPT_DECRYPT' && k.meta.KeyManager === 'CUSTOMER');
  return (
    <>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-busy={keys.loading}>
        <option value="">AWS managed key (aws/s3)</option>
        {usable.map((k) => (
          <option key={k.meta.Arn} value={k.meta.Arn}>{k.aliases[0] ? `${k.aliases[0]} (${k.meta.KeyId})` : k.meta.KeyId}</option>
        ))}
        {value && !usable.some((k) => k.meta.Arn === value) && <option value={value}>{value}</option>}
      </select>
      {keys.loading && <small className="hint">Loading keys…</small>}
      {keys.error && <ErrorBox error={keys.error} />}
    </>
  );
}
