// One post in a feed. A community's Announce (a reblog by a group account) shows as the original
// post "in <community>".
import type { Account, Status } from '../api';
import { useI18n } from '../i18n';

function name(account: Account) {
  return account.display_name || account.username;
}

export function StatusCard(props: { status: Status; now?: Date }) {
  const { t, tn, formatDate, formatRelative } = useI18n();
  const via = props.status.reblog ? props.status.account : null;
  const status = props.status.reblog ?? props.status;
  const headingId = `status-${props.status.id}-author`;
  const body = (
    <div
      class="status-content"
      lang={status.language ?? undefined}
      // Sanitised by the server's HTML allowlist (content/); the page's CSP forbids scripts.
      dangerouslySetInnerHTML={{ __html: status.content }}
    />
  );
  return (
    <article class="status" aria-labelledby={headingId}>
      <header class="status-header">
        <img class="avatar" src={status.account.avatar_static || status.account.avatar} alt="" width={40} height={40} loading="lazy" />
        <div>
          <h2 class="status-author" id={headingId}>
            {name(status.account)} <span class="acct">@{status.account.acct}</span>
          </h2>
          <p class="status-meta">
            {via?.group && <span class="community">{t('status.postedIn', { community: name(via) })} · </span>}
            <time dateTime={status.created_at} title={formatDate(status.created_at)}>
              {formatRelative(status.created_at, props.now)}
            </time>
            {status.edited_at && <span> · {t('status.edited')}</span>}
          </p>
        </div>
      </header>
      {status.spoiler_text ? (
        <details>
          <summary>{t('status.contentWarning', { text: status.spoiler_text })}</summary>
          {body}
        </details>
      ) : (
        body
      )}
      <footer class="status-footer">
        <span>{tn('status.replies', status.replies_count)}</span>
        <span>{tn('status.favourites', status.favourites_count)}</span>
        {status.media_attachments.length > 0 && (
          <span>{tn('status.attachments', status.media_attachments.length)}</span>
        )}
      </footer>
    </article>
  );
}
