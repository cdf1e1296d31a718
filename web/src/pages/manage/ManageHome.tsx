// Manage: the communities I own or moderate, with their open join requests a click away, and
// creating a new community (/communities/new).
import { useLocation } from 'preact-iso';

import { CommunityIcon, communityPath } from '../../components/community';
import { Page } from '../../components/page';
import { PagedList } from '../../components/PagedList';
import { usePaged } from '../../hooks/usePaged';
import { useI18n } from '../../i18n';
import { useApp } from '../../session';
import { CommunityForm } from './CommunityForm';

export function ManageHome() {
  const { t, tn } = useI18n();
  const { api } = useApp();
  const list = usePaged(
    () => api.community.communities({ membership: 'managed', limit: 40 }),
    (next) => api.community.communities(next),
    [api],
  );
  return (
    <Page title={t('manage.title')} intro={t('manage.intro')}>
      <div class="toolbar">
        <a class="button button-primary" href="/communities/new">
          {t('directory.create')}
        </a>
      </div>
      <PagedList state={list.state} reload={list.reload} more={list.more} empty={t('manage.noneManaged')}>
        {(items) => (
          <ul class="row-list" aria-label={t('manage.yourCommunities')}>
            {items.map((c) => (
              <li key={c.id} class="row">
                <div class="community-card-head">
                  <CommunityIcon community={c} size={40} />
                  <div>
                    <h2 class="community-title">
                      <a href={`${communityPath(c)}/manage`}>{c.title}</a>
                    </h2>
                    <p class="status-meta">
                      !{c.acct} · {tn('community.members', c.member_count)}
                    </p>
                  </div>
                </div>
                <div class="actions wrap">
                  <a class="button" href={`${communityPath(c)}/manage/requests`}>
                    {t('manage.tab.requests')}
                  </a>
                  <a class="button" href={`${communityPath(c)}/manage/insights`}>
                    {t('manage.tab.insights')}
                  </a>
                </div>
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </Page>
  );
}

export function CreateCommunity() {
  const { t } = useI18n();
  const { api, refreshSession } = useApp();
  const { route } = useLocation();
  return (
    <Page title={t('create.title')} intro={t('create.intro')}>
      <CommunityForm
        submitLabel={t('create.submit')}
        onSubmit={async (v) => {
          const created = await api.community.create({
            handle: v.handle,
            title: v.title,
            description: v.description,
            rules: v.rules,
            welcome: v.welcome,
            visibility: v.visibility,
            join_policy: v.join_policy,
            posting_policy: v.posting_policy,
            languages: v.languages,
          });
          // Now a manager: the navigation shows Manage.
          refreshSession();
          route(communityPath(created));
        }}
      />
    </Page>
  );
}
