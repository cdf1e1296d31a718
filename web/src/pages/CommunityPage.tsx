// A community: about, rules, welcome text, managers and members count; join, leave or request;
// its threads (pinned first) sorted by new, active or top; a link to the composer and, for
// managers, to the manager tools. The address is the community's acct: /communities/platform,
// /communities/platform@b.example (found with GET /communities/resolve).
import { useLocation, useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';

import type { Community, JoinResult, ThreadSort } from '../api';
import { CommunityIcon, communityPath, JoinButton, LanguageList, personName } from '../components/community';
import { Page } from '../components/page';
import { PagedList } from '../components/PagedList';
import { ErrorState, Loading } from '../components/states';
import { SortSwitch, ThreadList } from '../components/ThreadList';
import { useFocusRefresh } from '../hooks/useFocusRefresh';
import { useLoad } from '../hooks/useLoad';
import { usePaged } from '../hooks/usePaged';
import { useI18n, type MessageKey } from '../i18n';
import { useApp } from '../session';

// The community at `acct` with its managers (resolve answers the directory entry).
export function useCommunity(acct: string) {
  const { api } = useApp();
  const { state, load, set } = useLoad(
    () => api.community.resolve(acct).then((found) => api.community.community(found.id)),
    [api, acct],
  );
  return { state, load: () => load(), set };
}

export function CommunityPage(props: { acct?: string; now?: Date }) {
  const { params } = useRoute();
  const { query } = useLocation();
  const acct = decodeURIComponent(props.acct ?? params?.acct ?? '');
  const { t } = useI18n();
  const { state, load, set } = useCommunity(acct);
  if (state.phase === 'loading')
    return (
      <Page title={t('community.title')}>
        <Loading />
      </Page>
    );
  if (state.phase === 'error')
    return (
      <Page title={t('community.title')}>
        <ErrorState error={state.error} onRetry={load} />
      </Page>
    );
  return <CommunityView community={state.data} onChange={set} joined={query?.joined} now={props.now} />;
}

function CommunityView(props: { community: Community; onChange(c: Community): void; joined?: string; now?: Date }) {
  const { t, tn, formatNumber } = useI18n();
  const { api } = useApp();
  const c = props.community;
  const [sort, setSort] = useState<ThreadSort>('new');
  const [joinResult, setJoinResult] = useState<JoinResult | null>(null);
  const threads = usePaged(
    () => api.community.threads(c.id, { sort, limit: 20 }),
    (next) => api.community.threads(c.id, next),
    [api, c.id, sort],
  );
  useFocusRefresh(() => threads.reload(true));

  const member = c.me?.membership === 'member';
  const pending = c.me?.membership === 'pending' || props.joined === 'pending';
  const onJoin = (community: Community, result?: JoinResult) => {
    props.onChange(community);
    setJoinResult(result ?? null);
    threads.reload(true);
  };
  const owner = c.managers?.find((m) => m.role === 'owner');
  const moderators = c.managers?.filter((m) => m.role === 'moderator') ?? [];

  return (
    <Page title={c.title}>
      <header class="card community-header">
        {c.header && <img class="community-banner" src={c.header} alt="" />}
        <div class="community-card-head">
          <CommunityIcon community={c} size={64} />
          <div>
            <p class="acct">!{c.acct}</p>
            <p class="community-facts">
              <span>{tn('community.members', c.member_count)}</span>
              <LanguageList codes={c.languages} />
              <span class="pill">{t(`community.visibility.${c.visibility}` as MessageKey)}</span>
              <span class="pill">{t(`community.joinPolicy.${c.join_policy}` as MessageKey)}</span>
              {!c.local && <span class="pill">{t('community.remote', { host: c.host })}</span>}
            </p>
          </div>
        </div>
        <div class="actions wrap">
          <JoinButton community={c} onChange={onJoin} />
          {c.me?.can_post && (
            <a class="button button-primary" href={`${communityPath(c)}/new`}>
              {t('community.newThread')}
            </a>
          )}
          {c.me?.can_manage && (
            <a class="button" href={`${communityPath(c)}/manage`}>
              {t('community.manage')}
            </a>
          )}
        </div>
        {(joinResult?.membership === 'pending' || (pending && !member)) && (
          <p class="form-notice" role="status">
            {c.local ? t('community.pendingApproval') : t('community.pendingRemote', { host: c.host })}
          </p>
        )}
      </header>

      {(joinResult?.welcome_html || (member && c.welcome_html)) && (
        <section class="card welcome" aria-labelledby="community-welcome">
          <h2 id="community-welcome">{t('community.welcome')}</h2>
          <div class="status-content" dangerouslySetInnerHTML={{ __html: joinResult?.welcome_html || c.welcome_html }} />
        </section>
      )}

      <div class="community-layout">
        <section class="community-threads" aria-labelledby="community-threads">
          <div class="section-head">
            <h2 id="community-threads">{t('community.threads')}</h2>
            <SortSwitch value={sort} onChange={setSort} />
          </div>
          <PagedList state={threads.state} reload={threads.reload} more={threads.more} empty={t('community.noThreads')}>
            {(items) => <ThreadList threads={items} label={t('community.threads')} now={props.now} />}
          </PagedList>
        </section>

        <aside class="community-aside" aria-label={t('community.aboutLabel')}>
          <section class="card" aria-labelledby="community-about">
            <h2 id="community-about">{t('community.about')}</h2>
            {c.description_html ? (
              <div class="status-content" dangerouslySetInnerHTML={{ __html: c.description_html }} />
            ) : (
              <p class="help">{t('community.noDescription')}</p>
            )}
          </section>
          {c.rules.length > 0 && (
            <section class="card" aria-labelledby="community-rules">
              <h2 id="community-rules">{t('community.rules')}</h2>
              <ol class="rules" aria-labelledby="community-rules">
                {c.rules.map((r, i) => (
                  <li key={i}>{r}</li>
                ))}
              </ol>
            </section>
          )}
          <section class="card" aria-labelledby="community-managers">
            <h2 id="community-managers">{t('community.managers')}</h2>
            <ul class="people">
              {owner && (
                <li>
                  {personName(owner.person)} <span class="acct">@{owner.person.acct}</span> ·{' '}
                  {t('role.owner')}
                </li>
              )}
              {moderators.map((m) => (
                <li key={m.person.id}>
                  {personName(m.person)} <span class="acct">@{m.person.acct}</span> · {t('role.moderator')}
                </li>
              ))}
            </ul>
            <p class="help">{t('community.memberCount', { count: formatNumber(c.member_count) })}</p>
            <p>
              <a href={`${communityPath(c)}/modlog`}>{t('community.modlogLink')}</a>
            </p>
          </section>
        </aside>
      </div>
    </Page>
  );
}
