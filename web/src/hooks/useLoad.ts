// One thing loaded from the API: loading, failed (with the error), or ready (with the data).
import { useCallback, useEffect, useState } from 'preact/hooks';

export type LoadState<T> = { phase: 'loading' } | { phase: 'error'; error: unknown } | { phase: 'ready'; data: T };

export function useLoad<T>(fetch: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<LoadState<T>>({ phase: 'loading' });
  // quiet: keep showing the current data while reloading (refresh on focus, after an action).
  const load = useCallback((quiet = false) => {
    if (!quiet) setState({ phase: 'loading' });
    fetch().then(
      (data) => setState({ phase: 'ready', data }),
      (error) => setState({ phase: 'error', error }),
    );
  }, deps);
  useEffect(() => load(), [load]);
  const set = useCallback((data: T) => setState({ phase: 'ready', data }), []);
  return { state, load, set };
}
