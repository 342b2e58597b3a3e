import type { ReactNode } from 'react';
import type { AsyncState } from '../hooks';
import { ErrorBox } from './error-box';

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <div className="loading" role="status" aria-live="polite"><span className="spinner" aria-hidden="true" /> {label}</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

const TONES: Record<string, string> = {
  Enabled: 'good', Active: 'good', ENABLED: 'good', true: 'good',
  Disabled: 'muted', Inactive: 'muted', Suspended: 'muted', false: 'muted',
  PendingDeletion: 'bad', PendingImport: 'warn', Unavailable: 'bad', Creating: 'warn', PendingReplicaDeletion: 'bad', Updating: 'warn',
};

/** A small state label (key state, versioning, access key status) coloured by meaning. */
export function Badge({ value, tone }: { value: string; tone?: 'good' | 'bad' | 'warn' | 'muted' | 'info' }) {
  return <span className={`badge ${tone ?? TONES[value] ?? 'info'}`}>{value}</span>;
}

/**
 * Shows a loading state, the AWS error, or the loaded data. While reloading, the previous data
 * stays on screen (no flicker) with a small spinner.
 */
export function AsyncView<T>({ state, children, label }: { state: AsyncState<T>; children: (data: T) => ReactNode; label?: string }) {
  if (state.error) return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <Loading label={label} />;
  return <>{children(state.data)}</>;
}
