import { useEffect, useId, useState } from 'react';
import type { Action } from '../hooks';
import { ErrorBox } from './error-box';
import { BusyButton } from './form';

/** Where JSON.parse gave up, as "line L, column C", from the position engines report. */
export function jsonProblem(text: string): string | undefined {
  if (!text.trim()) return 'The document is empty.';
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return 'A policy document is a JSON object ({ … }).';
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    if (!at || /line \d+/.test(message)) return message;
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `${message} (line ${line}, column ${column})`;
  }
}

/** Pretty-prints JSON policy text; leaves text that does not parse alone. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A JSON policy editor: checks the syntax as you type (so Save is only offered for a parseable
 * document) and shows AWS's own error when the service rejects the policy's content.
 */
export function JsonEditor({ label, initial, onSave, action, saveLabel = 'Save', rows = 16, onCancel }: {
  label: string; initial: string; onSave: (text: string) => Promise<unknown>; action: Action; saveLabel?: string; rows?: number; onCancel?: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(() => prettyJson(initial));
  const [saved, setSaved] = useState(false);
  useEffect(() => setText(prettyJson(initial)), [initial]);
  const problem = jsonProblem(text);
  const save = async () => {
    setSaved(false);
    if (await action.run(() => onSave(text))) setSaved(true);
  };
  return (
    <div className="json-editor">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="code"
        spellCheck={false}
        rows={rows}
        value={text}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-status`}
        onChange={(e) => { setText(e.target.value); setSaved(false); }}
      />
      <p id={`${id}-status`} className={problem ? 'invalid' : 'valid'} aria-live="polite">
        {problem ? `Invalid JSON: ${problem}` : saved ? 'Saved.' : 'Valid JSON.'}
      </p>
      <div className="row">
        <BusyButton type="button" busy={action.busy} disabled={!!problem} onClick={save}>{saveLabel}</BusyButton>
        <button type="button" onClick={() => setText(prettyJson(text))} disabled={!!problem}>Format</button>
        <button type="button" onClick={() => { setText(prettyJson(initial)); action.clear(); }}>Revert</button>
        {onCancel && <button type="button" onClick={onCancel}>Cancel</button>}
      </div>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </div>
  );
}
