import { useEffect, useId, useState } from 'react';
import type { Action } from '../hooks';
import { ErrorBox } from './error-box';
import { BusyButton, parseTagLines } from './form';

export interface Tag { Key: string; Value: string }

const asLines = (tags: Tag[]) => tags.map((t) => `${t.Key}=${t.Value}`).join('\n');

/**
 * Tags as `key=value` lines. Services tag incrementally (add/update, remove by key), so Save sends
 * the difference; `onSave` gets the whole set too, for APIs that replace it (S3 object tagging).
 */
export function TagEditor({ tags, action, onSave, onSaved }: {
  tags: Tag[]; action: Action; onSave: (add: Tag[], remove: string[], all: Tag[]) => Promise<unknown>; onSaved?: () => void;
}) {
  const id = useId();
  const initial = asLines(tags);
  const [text, setText] = useState(initial);
  // Keyed on the text, not the array: callers build a fresh array on every render.
  useEffect(() => setText(initial), [initial]);
  const save = async () => {
    const next = parseTagLines(text);
    const add = next.filter((t) => !tags.some((o) => o.Key === t.Key && o.Value === t.Value));
    const remove = tags.filter((o) => !next.some((t) => t.Key === o.Key)).map((o) => o.Key);
    if (await action.run(() => onSave(add, remove, next))) onSaved?.();
  };
  return (
    <div>
      <label htmlFor={id}>Tags (one key=value per line)</label>
      <textarea id={id} className="code" rows={Math.max(3, tags.length + 1)} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="row">
        <BusyButton type="button" busy={action.busy} onClick={save}>Save tags</BusyButton>
      </div>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </div>
  );
}
