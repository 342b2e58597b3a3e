import { useId, type ReactNode, type ButtonHTMLAttributes } from 'react';
import { Spinner } from './status';

/** A labelled form control; the label is tied to the control so screen readers and clicks find it. */
export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint && <small className="hint">{hint}</small>}
    </div>
  );
}

export function Checkbox({ label, checked, onChange, disabled }: { label: ReactNode; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  return (
    <label className="checkbox">
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

/** A button that shows a spinner and is disabled while its action runs. */
export function BusyButton({ busy, children, className = 'primary', ...rest }: { busy: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button className={className} disabled={busy || rest.disabled} aria-busy={busy} {...rest}>
      {busy && <Spinner label="Working" />} {children}
    </button>
  );
}

/** Tags as `key=value` lines, the easiest form to type and paste. */
export function parseTagLines(text: string): { Key: string; Value: string }[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const at = line.indexOf('=');
    return at < 0 ? { Key: line, Value: '' } : { Key: line.slice(0, at).trim(), Value: line.slice(at + 1).trim() };
  });
}
