// The app shell: skip link, banner, main navigation (a menu button on narrow screens), and the
// main landmark that receives focus after each navigation.
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';

import { useI18n, type MessageKey } from '../i18n';
import { useFocusRefresh } from '../hooks/useFocusRefresh';
import { useApp, useInstanceName, useSession } from '../session';

interface NavItem {
  href: string;
  label: MessageKey;
  show?: (roles: { admin: boolean; manager: boolean }) => boolean;
}

export const navItems: NavItem[] = [
  { href: '/', label: 'nav.home' },
  { href: '/communities', label: 'nav.communities' },
  { href: '/notifications', label: 'nav.notifications' },
  { href: '/settings', label: 'nav.settings' },
  { href: '/manage', label: 'nav.manage', show: (r) => r.manager || r.admin },
  { href: '/admin', label: 'nav.admin', show: (r) => r.admin },
];

function isCurrent(href: string, path: string) {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

// The number of unread notifications (GET /api/v1/notifications/unread_count), refreshed when
// the person returns to the tab, when one streams in, and cleared when they are read.
function useUnreadNotifications(signedIn: boolean) {
  const { api, live } = useApp();
  const [count, setCount] = useState(0);
  const refresh = () => {
    if (!signedIn) return;
    api.mastodon.unreadNotifications().then(
      (r) => setCount(r.count),
      () => setCount(0),
    );
  };
  useEffect(refresh, [api, signedIn]);
  useFocusRefresh(refresh);
  useEffect(() => live.onNotification(() => setCount((n) => n + 1)), [live]);
  useEffect(() => live.onNotificationsRead(() => setCount(0)), [live]);
  return count;
}

export function Shell(props: { children: ComponentChildren }) {
  const { t, tn, formatNumber } = useI18n();
  const { path } = useLocation();
  const { signOut } = useApp();
  const session = useSession();
  const instanceName = useInstanceName();
  const unread = useUnreadNotifications(!!session);
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const menuButton = useRef<HTMLButtonElement>(null);

  // Escape closes the open menu and returns to its button.
  const closeOnEscape = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && menuOpen) {
      setMenuOpen(false);
      menuButton.current?.focus();
    }
  };

  // After a navigation the person started (focus is on a link or button, not on the page itself
  // as after a load or a redirect), close the menu and move focus to the new content, so that
  // keyboard and screen reader users continue there.
  useEffect(() => {
    setMenuOpen(false);
    const active = document.activeElement;
    if (active && active !== document.body)
      main.current?.focus();
  }, [path]);

  const roles = session?.roles ?? { admin: false, manager: false };
  const items = navItems.filter((item) => !item.show || item.show(roles));
  const account = session?.account;

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="banner">
        <a class="brand" href="/">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>{instanceName}</span>
        </a>
        {session && (
          <button
            type="button"
            class="menu-button"
            ref={menuButton}
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            {t('nav.menu')}
          </button>
        )}
        {account && (
          <div class="account">
            <span class="signed-in-as">
              {t('nav.signedInAs', { name: account.display_name || account.username })}
            </span>
            <button type="button" class="button button-quiet" onClick={() => void signOut()}>
              {t('nav.signOut')}
            </button>
          </div>
        )}
      </header>
      {session && (
        <nav
          id="main-nav"
          class={menuOpen ? 'nav open' : 'nav'}
          aria-label={t('nav.label')}
          onKeyDown={closeOnEscape}
        >
          <ul>
            {items.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={isCurrent(item.href, path) ? 'page' : undefined}>
                  {t(item.label)}
                  {item.href === '/notifications' && unread > 0 && (
                    <span class="badge">
                      <span aria-hidden="true">{formatNumber(unread)}</span>
                      <span class="visually-hidden">{tn('notifications.unread', unread)}</span>
                    </span>
                  )}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1} ref={main}>
        {props.children}
      </main>
    </div>
  );
}
