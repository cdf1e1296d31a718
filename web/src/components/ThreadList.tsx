// A list of threads (a community's, or home's across communities) with the sort switch, unread
// markers, and the badges people scan for: pinned, question answered or not, locked.
import type { Thread, ThreadSort } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { communityPath, personName, threadPath } from './community';

export const sorts: ThreadSort[] = ['new', 'active', 'top'];

export function SortSwitch(props: { value: ThreadSort; onChange(sort: ThreadSort): void }) {
  const { t } = useI18n();
  return (
    <div class="segmented" role="group" aria-label={t('threads.sort')}>
      {sorts.map((s) => (
        <button key={s} type="button" aria-pressed={props.value === s} onClick={() => props.onChange(s)}>
          {t(`threads.sort.${s}` as MessageKey)}
        </button>
      ))}
    </div>
  );
}

// Pinned, question (answered or not), locked, removed.
export function ThreadBadges(props: { thread: Thread }) {
  const { t } = useI18n();
  const th = props.thread;
  return (
    <>
      {th.pinned && <span class="pill">{t('threads.pinned')}</span>}
      {th.question && (
        <span class={th.accepted_answer_id ? 'pill pill-success' : 'pill'}>
          {th.accepted_answer_id ? t('threads.answered') : t('threads.question')}
        </span>
      )}
      {th.locked && <span class="pill">{t('threads.locked')}</span>}
      {th.removed && <span class="pill pill-danger">{t('threads.removed')}</span>}
    </>
  );
}

export function ThreadRow(props: { thread: Thread; showCommunity?: boolean; now?: Date }) {
  const { t, tn, formatRelative, formatDate, formatNumber } = useI18n();
  const th = props.thread;
  const unread = th.read?.unread ?? false;
  return (
    <article class={unread ? 'thread-row unread' : 'thread-row'} aria-labelledby={`thread-${th.id}`}>
      <div class="thread-score">
        <span aria-hidden="true">▲</span>
        <span aria-hidden="true">{formatNumber(th.reactions.score)}</span>
        <span class="visually-hidden">{tn('threads.score', th.reactions.score)}</span>
      </div>
      <div class="thread-main">
        <h2 class="thread-title" id={`thread-${th.id}`}>
          <a href={threadPath(th)}>{th.removed ? t('thread.removedTitle') : th.deleted ? t('thread.deletedTitle') : th.title}</a>
        </h2>
        <p class="thread-badges">
          {unread && (
            <span class="badge">
              {th.read && th.read.new_comments > 0 ? tn('threads.newComments', th.read.new_comments) : t('threads.unread')}
            </span>
          )}
          <ThreadBadges thread={th} />
        </p>
        <p class="status-meta">
          {props.showCommunity && (
            <>
              <a href={communityPath(th.community)}>{th.community.title}</a> ·{' '}
            </>
          )}
          {personName(th.author)} ·{' '}
          <time dateTime={th.published_at} title={formatDate(th.published_at)}>
            {formatRelative(th.published_at, props.now)}
          </time>{' '}
          · {tn('status.replies', th.comment_count)}
        </p>
      </div>
    </article>
  );
}

export function ThreadList(props: { threads: Thread[]; label: string; showCommunity?: boolean; now?: Date }) {
  return (
    <ol class="thread-list" aria-label={props.label}>
      {props.threads.map((th) => (
        <li key={th.id}>
          <ThreadRow thread={th} showCommunity={props.showCommunity} now={props.now} />
        </li>
      ))}
    </ol>
  );
}
