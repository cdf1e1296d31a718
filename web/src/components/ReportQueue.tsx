// The reports queue, both of them: a community's for its managers (community API) and the
// instance's for admins (Mastodon's admin API). Each page says how to load a page of its reports
// under a filter, how one looks (ReportView) and what can be done with it.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

import type { Page } from '../api';
import { useI18n } from '../i18n';
import { ManagedListSection, SegmentedFilter, useManagedList, type ManagedList } from './ManagedList';

export interface ReportView {
  reason: string;
  // The community it was filed in (the instance's queue spans them all).
  community?: string | null;
  post?: { href: string; text: string; author?: string } | null;
  // The person reported, when the post does not say.
  about?: string | null;
  reporter: string;
  created_at: string;
  resolvedBy?: string | null;
}

function ReportRow(props: { report: ReportView; actions?: ComponentChildren }) {
  const { t, formatRelative } = useI18n();
  const r = props.report;
  return (
    <>
      <div>
        <p>
          <strong>{t('manage.reportReason', { reason: r.reason })}</strong>
        </p>
        {r.community && <p>{t('admin.reports.community', { community: r.community })}</p>}
        {r.post && (
          <p>
            <a href={r.post.href}>{r.post.text}</a>
            {r.post.author && ` · ${t('manage.reportAuthor', { name: r.post.author })}`}
          </p>
        )}
        <p class="status-meta">
          {r.about && `${t('admin.reports.about', { name: r.about })} · `}
          {t('manage.reportedBy', { name: r.reporter, when: formatRelative(r.created_at) })}
          {r.resolvedBy && ` · ${t('manage.resolvedBy', { name: r.resolvedBy })}`}
        </p>
      </div>
      {props.actions && <div class="actions">{props.actions}</div>}
    </>
  );
}

export function ReportQueue<R extends { id: string }, F extends string>(props: {
  id: string;
  title: string;
  filterLabel: string;
  filters: readonly F[];
  filterName(filter: F): string;
  load(filter: F): Promise<Page<R>>;
  nextPage(url: string): Promise<Page<R>>;
  // The query's other inputs (the API client, the community).
  deps: unknown[];
  refreshOnFocus?: boolean;
  view(report: R): ReportView;
  actions(report: R, list: ManagedList<R>): ComponentChildren;
}) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<F>(props.filters[0]);
  const list = useManagedList(() => props.load(filter), props.nextPage, [...props.deps, filter], {
    refreshOnFocus: props.refreshOnFocus,
  });
  return (
    <ManagedListSection
      id={props.id}
      title={props.title}
      controls={<SegmentedFilter label={props.filterLabel} choices={props.filters} value={filter} name={props.filterName} onChange={(f) => setFilter(f)} />}
      list={list}
      empty={t('manage.noReports')}
      rowKey={(r) => r.id}
      rowClass="report"
      row={(r) => <ReportRow report={props.view(r)} actions={props.actions(r, list)} />}
    />
  );
}
