// A paged list: the first page from `first()`, more pages from the Link header's next URL.
import { useCallback, useEffect, useState } from 'preact/hooks';

import type { Page } from '../api';

export type PagedState<T> =
  | { phase: 'loading' }
  | { phase: 'error'; error: unknown }
  | { phase: 'ready'; items: T[]; next: string | null; more: 'idle' | 'loading' | { error: unknown } };

export function usePaged<T>(
  first: () => Promise<Page<T>>,
  nextPage: (url: string) => Promise<Page<T>>,
  deps: unknown[],
) {
  const [state, setState] = useState<PagedState<T>>({ phase: 'loading' });
  const reload = useCallback((quiet = false) => {
    if (!quiet) setState({ phase: 'loading' });
    first().then(
      (page) => setState({ phase: 'ready', items: page.items, next: page.next, more: 'idle' }),
      (error) => setState({ phase: 'error', error }),
    );
  }, deps);
  useEffect(() => reload(), [reload]);

  const more = () => {
    if (state.phase !== 'ready' || !state.next) return;
    const { items, next } = state;
    setState({ ...state, more: 'loading' });
    nextPage(next).then(
      (page) => {
        // An item may arrive twice when new ones shift the window: keep the first copy.
        const key = (i: T) => (i as { id?: string; person?: { id: string } }).id ?? (i as { person?: { id: string } }).person?.id;
        const seen = new Set(items.map(key));
        const fresh = page.items.filter((i) => key(i) === undefined || !seen.has(key(i)));
        setState({ phase: 'ready', items: [...items, ...fresh], next: page.next, more: 'idle' });
      },
      (error) => setState({ phase: 'ready', items, next, more: { error } }),
    );
  };
  const update = (fn: (items: T[]) => T[]) =>
    setState((s) => (s.phase === 'ready' ? { ...s, items: fn(s.items) } : s));
  return { state, reload, more, update };
}
