// One report as both queues show it: a community's for its managers (community API) and the
// instance's for admins (Mastodon's admin API); each page maps its entity into this view.
import type { ComponentChildren } from 'preact';

import { useI18n } from '../i18n';

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

export function ReportRow(props: { report: ReportView; actions?: ComponentChildren }) {
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
