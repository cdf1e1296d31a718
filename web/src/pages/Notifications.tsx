// Notifications (GET /api/v1/notifications): replies, likes, follows and what managers are told,
// newest first. Those newer than the server-kept marker are marked "new"; opening the page moves
// the marker. New ones arrive through `live` (streaming) where the server has it, else the list
// refreshes when the person comes back to the tab (no polling).
import { useCallback, useEffect, useState } from 'preact/hooks';

import type { Notification } from '../api';
import { Page } from '../components/page';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useFocusRefresh } from '../hooks/useFocusRefresh';
import { useI18n, type I18n, type MessageKey } from '../i18n';
import { useApp } from '../session';

const labels: Record<string, MessageKey> = {
  mention: 'notifications.mention',
  favourite: 'notifications.favourite',
  follow: 'notifications.follow',
  follow_request: 'notifications.followRequest',
  reblog: 'notifications.reblog',
  status: 'notifications.status',
  update: 'notifications.update',
  'admin.report': 'notifications.report',
  'admin.sign_up': 'notifications.signUp',
  poll: 'notifications.poll',
  'guildhall.join_approved': 'notifications.joinApproved',
  'guildhall.join_rejected': 'notifications.joinRejected',
  'guildhall.moderator_added': 'notifications.moderatorAdded',
  'guildhall.banned': 'notifications.banned',
  'guildhall.report': 'notifications.communityReport',
};

const communityPath = (acct: string) => `/communities/${encodeURIComponent(acct)}`;

// Where a notification about a community or a report leads, and what the link says.
function notificationLink(
  n: Notification,
  t: I18n['t'],
): { href: string; text: string } | null {
  const community = n.report?.community ?? (n.account.group ? n.account : null);
  const name = community ? community.display_name || community.username : '';
  if (n.type === 'admin.report') return { href: '/admin/reports', text: t('notifications.openAdminReports') };
  if (n.type === 'guildhall.report' && community)
    return { href: `${communityPath(community.acct)}/manage/reports`, text: t('notifications.openReports', { community: name }) };
  if (n.type.startsWith('guildhall.') && community)
    return { href: communityPath(community.acct), text: t('notifications.openCommunity', { community: name }) };
  return null;
}

// Newer Snowflake ids are larger; compare as numbers of any length.
export function isNewer(id: string, than: string | null | undefined): boolean {
  if (!than) return true;
  return id.length !== than.length ? id.length > than.length : id > than;
}

type State =
  | { phase: 'loading' }
  | { phase: 'error'; error: unknown }
  | { phase: 'ready'; items: Notification[]; next: string | null; lastRead: string | null };

export function Notifications(props: { now?: Date }) {
  const { t, formatRelative, formatDate } = useI18n();
  const { api, live } = useApp();
  const [state, setState] = useState<State>({ phase: 'loading' });

  const load = useCallback(
    (quiet = false) => {
      if (!quiet) setState({ phase: 'loading' });
      Promise.all([
        api.mastodon.notifications({ limit: 30 }),
        api.mastodon.markers(['notifications']).catch(() => ({}) as Record<string, never>),
      ]).then(
        ([page, markers]) => {
          const lastRead = markers.notifications?.last_read_id ?? null;
          setState({ phase: 'ready', items: page.items, next: page.next, lastRead });
          const newest = page.items[0]?.id;
          if (newest && isNewer(newest, lastRead))
            api.mastodon.saveMarker('notifications', newest).then(
              () => live.notificationsRead(),
              () => {},
            );
        },
        (error) => setState({ phase: 'error', error }),
      );
    },
    [api, live],
  );
  useEffect(() => load(), [load]);
  useFocusRefresh(() => load(true));
  useEffect(() => live.onNotification(() => load(true)), [live, load]);

  const more = () => {
    if (state.phase !== 'ready' || !state.next) return;
    api.mastodon.notifications(state.next).then(
      (page) =>
        setState({
          ...state,
          items: [...state.items, ...page.items.filter((n) => !state.items.some((m) => m.id === n.id))],
          next: page.next,
        }),
      (error) => setState({ phase: 'error', error }),
    );
  };

  return (
    <Page title={t('notifications.title')} intro={t('notifications.intro')}>
      <div class="toolbar spread">
        <a href="/settings">{t('notifications.choose')}</a>
        <button type="button" class="button" onClick={() => load()}>
          {t('home.refresh')}
        </button>
      </div>
      {state.phase === 'loading' && <Loading />}
      {state.phase === 'error' && <ErrorState error={state.error} onRetry={() => load()} />}
      {state.phase === 'ready' && state.items.length === 0 && (
        <EmptyState>{t('notifications.empty')}</EmptyState>
      )}
      {state.phase === 'ready' && state.items.length > 0 && (
        <>
          <ol class="notification-list" aria-label={t('notifications.title')}>
            {state.items.map((n) => {
              const unread = isNewer(n.id, state.lastRead);
              const who = n.account.display_name || n.account.username;
              const community = n.report?.community ?? n.account;
              const link = notificationLink(n, t);
              const excerpt = n.status?.content
                ? n.status.content.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 140)
                : '';
              return (
                <li key={n.id} class={unread ? 'notification unread' : 'notification'}>
                  {unread && <span class="badge">{t('notifications.new')}</span>}
                  <p class="notification-text">
                    {t(labels[n.type] ?? 'notifications.otherType', {
                      name: who,
                      type: n.type,
                      community: community.display_name || community.username,
                    })}
                  </p>
                  {link && (
                    <p class="notification-excerpt">
                      <a href={link.href}>{link.text}</a>
                    </p>
                  )}
                  {excerpt && n.status && (
                    <p class="notification-excerpt">
                      <a href={`/posts/${encodeURIComponent(n.status.id)}`}>{excerpt}</a>
                    </p>
                  )}
                  <p class="status-meta">
                    <time dateTime={n.created_at} title={formatDate(n.created_at)}>
                      {formatRelative(n.created_at, props.now)}
                    </time>
                  </p>
                </li>
              );
            })}
          </ol>
          {state.next && (
            <button type="button" class="button load-more" onClick={more}>
              {t('home.loadMore')}
            </button>
          )}
        </>
      )}
    </Page>
  );
}
