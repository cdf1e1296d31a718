// The lists managers and admins work through (join requests, members, bans, reports, the
// moderation log, people, communities): a titled section over a paged list of rows, one row action
// at a time with its error shown above the rows, and the list reloaded in place after each action.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

import type { Page } from '../api';
import { useFocusRefresh } from '../hooks/useFocusRefresh';
import { usePaged, type PagedState } from '../hooks/usePaged';
import { PagedList } from './PagedList';
import { useErrorText } from './states';

// One row action at a time, with its error shown above the list.
export function useRowAction() {
  const errorText = useErrorText();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (key: string, call: () => Promise<unknown>, after: () => void) => {
    setBusy(key);
    setError(null);
    try {
      await call();
      after();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const errorView = error && (
    <p class="form-error" role="alert">
      {error}
    </p>
  );
  return { busy, run, errorView };
}

export interface ManagedList<T> {
  state: PagedState<T>;
  reload(quiet?: boolean): void;
  more(): void;
  // Whether a row action runs (every row's buttons wait for it).
  busy: boolean;
  // Runs a row's action, then `after` and a quiet reload of the list.
  act(key: string, call: () => Promise<unknown>, after?: () => void): Promise<void>;
  errorView: ComponentChildren;
}

// A paged list with row actions; `refreshOnFocus` for queues others fill (requests, reports).
export function useManagedList<T>(
  first: () => Promise<Page<T>>,
  nextPage: (url: string) => Promise<Page<T>>,
  deps: unknown[],
  options: { refreshOnFocus?: boolean } = {},
): ManagedList<T> {
  const list = usePaged(first, nextPage, deps);
  useFocusRefresh(() => {
    if (options.refreshOnFocus) list.reload(true);
  });
  const { busy, run, errorView } = useRowAction();
  return {
    state: list.state,
    reload: list.reload,
    more: list.more,
    busy: busy !== null,
    act: (key, call, after) =>
      run(key, call, () => {
        after?.();
        list.reload(true);
      }),
    errorView,
  };
}

// A button acting on one row ("Approve Erin"): disabled while any row action runs.
export function RowButton(props: { label: string; name: string; kind?: 'primary' | 'danger'; busy: boolean; onClick(): void }) {
  return (
    <button
      type="button"
      class={props.kind ? `button button-${props.kind}` : 'button'}
      disabled={props.busy}
      aria-label={props.name}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

export function ManagedListSection<T>(props: {
  id: string;
  title: string;
  list: ManagedList<T>;
  empty: string;
  rowKey(item: T): string;
  row(item: T): ComponentChildren;
  // Beside the heading (a filter).
  controls?: ComponentChildren;
  // Between the heading and the rows (a form that adds one).
  children?: ComponentChildren;
  rowClass?: string;
  // A log is ordered; "You have reached the end" only where the list pages far.
  ordered?: boolean;
  showEnd?: boolean;
}) {
  const heading = <h2 id={props.id}>{props.title}</h2>;
  const List = props.ordered ? 'ol' : 'ul';
  const { list } = props;
  return (
    <section aria-labelledby={props.id}>
      {props.controls ? (
        <div class="section-head">
          {heading}
          {props.controls}
        </div>
      ) : (
        heading
      )}
      {props.children}
      {list.errorView}
      <PagedList state={list.state} reload={list.reload} more={list.more} empty={props.empty} showEnd={props.showEnd}>
        {(items) => (
          <List class="row-list">
            {items.map((item) => (
              <li key={props.rowKey(item)} class={props.rowClass ? `row ${props.rowClass}` : 'row'}>
                {props.row(item)}
              </li>
            ))}
          </List>
        )}
      </PagedList>
    </section>
  );
}

// A filter of a list as a row of toggle buttons (open / all reports).
export function SegmentedFilter<F extends string>(props: { label: string; choices: readonly F[]; value: F; name(choice: F): string; onChange(choice: F): void }) {
  return (
    <div class="segmented" role="group" aria-label={props.label}>
      {props.choices.map((c) => (
        <button key={c} type="button" aria-pressed={props.value === c} onClick={() => props.onChange(c)}>
          {props.name(c)}
        </button>
      ))}
    </div>
  );
}
