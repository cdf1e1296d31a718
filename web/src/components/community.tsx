// Pieces shared by the community pages: the icon, names, languages and the join button.
import { useState } from 'preact/hooks';

import type { Community, JoinResult, Person } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../session';
import { InlineError, useErrorText } from './states';

// The app's path of a community: its acct (`platform`, `platform@b.example`).
export const communityPath = (c: { acct: string }) =>
  `/communities/${encodeURIComponent(c.acct).replace(/%40/g, '@').replace(/%3A/g, ':')}`;
export const threadPath = (t: { id: string }) => `/threads/${encodeURIComponent(t.id)}`;

export function personName(p: Person | null | undefined) {
  return p ? p.display_name || p.handle : '';
}

export function CommunityIcon(props: { community: { icon: string | null; title: string }; size?: number }) {
  const size = props.size ?? 48;
  if (props.community.icon)
    return <img class="community-icon" src={props.community.icon} alt="" width={size} height={size} loading="lazy" />;
  return (
    <span class="community-icon community-icon-letter" aria-hidden="true">
      {(props.community.title || '?').slice(0, 1).toUpperCase()}
    </span>
  );
}

// "English, German" in the UI's language.
export function useLanguageNames() {
  const { locale } = useI18n();
  return (codes: string[]) => {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([locale], { type: 'language' });
    } catch {
      names = null;
    }
    return codes.map((c) => {
      try {
        return names?.of(c) ?? c;
      } catch {
        return c;
      }
    });
  };
}

export function LanguageList(props: { codes: string[] }) {
  const { t } = useI18n();
  const names = useLanguageNames();
  return (
    <span class="languages">
      {props.codes.length === 0 ? t('community.anyLanguage') : names(props.codes).join(', ')}
    </span>
  );
}

// Join, request to join, cancel the request, leave. Reports the new state to `onChange`.
export function JoinButton(props: {
  community: Community;
  onChange(community: Community, joined?: JoinResult): void;
}) {
  const { t } = useI18n();
  const { api } = useApp();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = props.community;
  const me = c.me;
  if (!me) return null;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const join = () =>
    run(async () => {
      const result = await api.community.join(c.id);
      props.onChange(result.community, result);
    });
  const leave = () =>
    run(async () => {
      props.onChange(await api.community.leave(c.id));
    });

  let control;
  if (me.membership === 'banned') control = <span class="pill pill-danger">{t('community.banned')}</span>;
  else if (me.membership === 'member')
    control =
      me.role === 'owner' ? (
        <span class="pill">{t('community.youOwn')}</span>
      ) : (
        <button type="button" class="button" disabled={busy} onClick={leave} aria-label={t('community.leaveNamed', { name: c.title })}>
          {t('community.leave')}
        </button>
      );
  else if (me.membership === 'pending')
    control = (
      <>
        <span class="pill">{t('community.requested')}</span>
        <button type="button" class="button button-quiet" disabled={busy} onClick={leave} aria-label={t('community.cancelRequestNamed', { name: c.title })}>
          {t('community.cancelRequest')}
        </button>
      </>
    );
  else
    control = (
      <button
        type="button"
        class="button button-primary"
        disabled={busy}
        onClick={join}
        aria-label={t(c.join_policy === 'open' && c.visibility !== 'private' ? 'community.joinNamed' : 'community.requestNamed', { name: c.title })}
      >
        {c.join_policy === 'open' && c.visibility !== 'private' ? t('community.join') : t('community.request')}
      </button>
    );
  return (
    <div class="join">
      {control}
      <InlineError text={error} />
    </div>
  );
}
