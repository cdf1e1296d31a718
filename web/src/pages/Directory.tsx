// The community directory: local communities and the remote ones this instance knows, searchable,
// with member counts and languages; join any community by its name or name@host, also one this
// instance has never seen (GET /communities/resolve fetches it).
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';

import type { Community } from '../api';
import { CommunityIcon, communityPath, JoinButton, LanguageList } from '../components/community';
import { Page } from '../components/page';
import { PagedList } from '../components/PagedList';
import { InlineError, useErrorText } from '../components/states';
import { usePaged } from '../hooks/usePaged';
import { useI18n, type MessageKey } from '../i18n';
import { useApp } from '../session';

type Scope = 'all' | 'local' | 'remote' | 'joined';

export function Directory() {
  const { t, tn } = useI18n();
  const { api } = useApp();
  const { route } = useLocation();
  const errorText = useErrorText();
  const [query, setQuery] = useState('');
  const [submitted, setSubmitted] = useState('');
  const [scope, setScope] = useState<Scope>('all');
  const [reference, setReference] = useState('');
  const [joining, setJoining] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });

  const list = usePaged(
    () =>
      api.community.communities({
        q: submitted || undefined,
        scope: scope === 'joined' ? undefined : scope,
        membership: scope === 'joined' ? 'joined' : undefined,
        limit: 20,
      }),
    (next) => api.community.communities(next),
    [api, submitted, scope],
  );

  const replace = (c: Community) => list.update((items) => items.map((x) => (x.id === c.id ? c : x)));

  // Find (and if need be fetch) the community, join it, then open its page.
  const joinByName = async (e: Event) => {
    e.preventDefault();
    const q = reference.trim().replace(/^!/, '');
    if (!q) return;
    setJoining({ busy: true, error: null });
    try {
      const found = await api.community.resolve(q);
      const result = found.me && found.me.membership === 'none' ? await api.community.join(found.id) : null;
      setJoining({ busy: false, error: null });
      route(communityPath(result?.community ?? found) + (result ? `?joined=${result.membership}` : ''));
    } catch (err) {
      setJoining({ busy: false, error: errorText(err) });
    }
  };

  const scopes: Scope[] = ['all', 'local', 'remote', 'joined'];

  return (
    <Page title={t('directory.title')} intro={t('directory.intro')}>
      <div class="toolbar">
        <a class="button button-primary" href="/communities/new">
          {t('directory.create')}
        </a>
      </div>
      <div class="directory-forms">
        <form
          class="card form"
          role="search"
          aria-label={t('directory.searchLabel')}
          onSubmit={(e) => {
            e.preventDefault();
            setSubmitted(query.trim());
          }}
        >
          <div class="field">
            <label for="directory-q">{t('directory.search')}</label>
            <div class="input-row">
              <input id="directory-q" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
              <button type="submit" class="button">
                {t('directory.searchButton')}
              </button>
            </div>
          </div>
          <div class="segmented" role="group" aria-label={t('directory.scope')}>
            {scopes.map((s) => (
              <button key={s} type="button" aria-pressed={scope === s} onClick={() => setScope(s)}>
                {t(`directory.scope.${s}` as MessageKey)}
              </button>
            ))}
          </div>
        </form>
        <form class="card form" onSubmit={joinByName} aria-labelledby="join-by-name">
          <h2 id="join-by-name">{t('directory.joinByName')}</h2>
          <div class="field">
            <label for="directory-ref">{t('directory.reference')}</label>
            <div class="input-row">
              <input
                id="directory-ref"
                value={reference}
                placeholder="platform@b.example"
                aria-describedby="directory-ref-help"
                onInput={(e) => setReference(e.currentTarget.value)}
              />
              <button type="submit" class="button button-primary" disabled={joining.busy}>
                {joining.busy ? t('directory.finding') : t('directory.joinButton')}
              </button>
            </div>
            <p class="help" id="directory-ref-help">
              {t('directory.referenceHelp')}
            </p>
          </div>
          <InlineError text={joining.error} />
        </form>
      </div>
      <PagedList state={list.state} reload={list.reload} more={list.more} empty={t('directory.empty')}>
        {(items) => (
          <ul class="community-grid" aria-label={t('directory.results')}>
            {items.map((c) => (
              <li key={c.id} class="card community-card">
                <div class="community-card-head">
                  <CommunityIcon community={c} />
                  <div>
                    <h2 class="community-title">
                      <a href={communityPath(c)}>{c.title}</a>
                    </h2>
                    <p class="acct">!{c.acct}</p>
                  </div>
                </div>
                <p class="community-description">{excerpt(c.description)}</p>
                <p class="community-facts">
                  <span>{tn('community.members', c.member_count)}</span>
                  <LanguageList codes={c.languages} />
                  {!c.local && <span class="pill">{t('community.remote', { host: c.host })}</span>}
                  {c.visibility === 'private' && <span class="pill">{t('community.private')}</span>}
                </p>
                <JoinButton community={c} onChange={replace} />
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </Page>
  );
}

// The description's first 200 characters, without Markdown marks.
function excerpt(markdown: string) {
  const plain = markdown.replace(/[*_`#>[\]]|\(https?:[^)]*\)/g, '').replace(/\s+/g, ' ').trim();
  return plain.length > 200 ? `${plain.slice(0, 199)}…` : plain;
}
