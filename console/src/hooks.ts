import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, type ShownError } from './errors';

export interface AsyncState<T> {
  data?: T;
  error?: ShownError;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` when `deps` change; stale answers from an earlier run are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: ShownError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const id = ++run.current;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => { if (run.current === id) setState({ data, loading: false }); },
      (err: unknown) => { if (run.current === id) setState({ error: describeError(err), loading: false }); },
    );
    // `load` is a fresh closure on every render; `deps` say when its inputs changed.
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export interface Action {
  /** Runs `fn`; resolves true when it succeeded. Errors land in `error`. */
  run: (fn: () => Promise<unknown>) => Promise<boolean>;
  busy: boolean;
  error?: ShownError;
  clear: () => void;
}

/** A user-triggered call: one at a time, busy while it runs, its AWS error kept for display. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError>();
  const run = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clear: useCallback(() => setError(undefined), []) };
}
