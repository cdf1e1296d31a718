// Instance administration. Communities come from the community API (admins manage every community
// hosted here); users, the federation mode and partners, and reports wait for the admin API: the
// page says so instead of showing made-up data.
import { CommunityIcon, communityPath } from '../components/community';
import { Page } from '../components/page';
import { PagedList } from '../components/PagedList';
import { usePaged } from '../hooks/usePaged';
import { useI18n, type MessageKey } from '../i18n';
import { useApp } from '../session';

export function Admin() {
  const { t, tn } = useI18n();
  const { api } = useApp();
  const list = usePaged(
    () => api.community.communities({ scope: 'local', limit: 40 }),
    (next) => api.community.communities(next),
    [api],
  );
  return (
    <Page title={t('admin.title')} intro={t('admin.intro')}>
      <section aria-labelledby="admin-communities">
        <h2 id="admin-communities">{t('admin.communities')}</h2>
        <PagedList state={list.state} reload={list.reload} more={list.more} empty={t('directory.empty')}>
          {(items) => (
            <ul class="row-list">
              {items.map((c) => (
                <li key={c.id} class="row">
                  <div class="community-card-head">
                    <CommunityIcon community={c} size={40} />
                    <div>
                      <a href={communityPath(c)}>{c.title}</a>
                      <p class="status-meta">
                        !{c.acct} · {tn('community.members', c.member_count)} · {t(`community.visibility.${c.visibility}` as MessageKey)}
                      </p>
                    </div>
                  </div>
                  <a class="button" href={`${communityPath(c)}/manage`}>
                    {t('community.manage')}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </PagedList>
      </section>
      <section class="card state-not-yet" aria-labelledby="admin-later">
        <h2 id="admin-later">{t('admin.laterTitle')}</h2>
        <p>{t('admin.laterBody')}</p>
      </section>
    </Page>
  );
}
