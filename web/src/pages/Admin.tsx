// Instance administration, one tab each: people (search, suspend with confirmation, lift), the
// communities hosted here, federation (the mode, the partner list, the instances met with their
// software), the instance-wide reports queue and the instance settings. Everything goes through
// the admin API (docs/api.md, "Admin API"); the server refuses non-admins whatever the page shows.
import { useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';

import type { AdminAccount, FederationMode, FederationPolicy, InstanceSettings, Registrations } from '../api';
import { CommunityIcon, communityPath } from '../components/community';
import { Page } from '../components/page';
import { ManagedListSection, RowButton, useManagedList, useRowAction } from '../components/ManagedList';
import { PagedList } from '../components/PagedList';
import { ReportQueue } from '../components/ReportQueue';
import { FormActions, FormError, Loaded, useErrorMessage } from '../components/states';
import { useLoad } from '../hooks/useLoad';
import { usePaged } from '../hooks/usePaged';
import { useI18n, type MessageKey } from '../i18n';
import { useApp } from '../session';

export const adminTabs = ['people', 'communities', 'federation', 'reports', 'settings'] as const;
export type AdminTab = (typeof adminTabs)[number];

export function Admin(props: { tab?: string }) {
  const { t } = useI18n();
  const { params } = useRoute();
  const wanted = props.tab ?? params?.tab ?? '';
  const tab = (adminTabs as readonly string[]).includes(wanted) ? (wanted as AdminTab) : 'people';
  return (
    <Page title={t('admin.title')} intro={t('admin.intro')}>
      <nav class="tabs" aria-label={t('admin.tabs')}>
        <ul>
          {adminTabs.map((x) => (
            <li key={x}>
              <a href={`/admin/${x}`} aria-current={tab === x ? 'page' : undefined}>
                {t(`admin.tab.${x}` as MessageKey)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'people' && <People />}
      {tab === 'communities' && <Communities />}
      {tab === 'federation' && <Federation />}
      {tab === 'reports' && <Reports />}
      {tab === 'settings' && <Settings />}
    </Page>
  );
}

function accountState(a: AdminAccount): 'suspended' | 'disabled' | 'active' {
  return a.suspended ? 'suspended' : a.disabled ? 'disabled' : 'active';
}

function People() {
  const { t } = useI18n();
  const { api, state } = useApp();
  const me = state.status === 'signedIn' ? state.session.account.id : null;
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const list = useManagedList(() => api.admin.accounts({ username: search || undefined, limit: 40 }), (next) => api.admin.accounts(next), [api, search]);
  // Suspending ends the person's sessions and streams at once: asked once more, in the row.
  const [confirming, setConfirming] = useState<string | null>(null);
  const act = (id: string, call: () => Promise<unknown>) => list.act(id, call, () => setConfirming(null));
  return (
    <ManagedListSection
      id="admin-people"
      title={t('admin.tab.people')}
      list={list}
      empty={t('admin.people.none')}
      rowKey={(a) => a.id}
      row={(a) => {
        const name = a.account.display_name || a.username;
        const status = accountState(a);
        return (
          <>
            <div>
              <span class="author">{name}</span> <span class="acct">@{a.username}</span>
              <p class="status-meta">
                {t(`admin.people.state.${status}` as MessageKey)}
                {a.role?.name === 'Admin' && ` · ${t('admin.people.admin')}`}
                {a.email && ` · ${a.email}`}
              </p>
            </div>
            <div class="actions">
              {a.suspended ? (
                <RowButton
                  label={t('admin.people.unsuspend')}
                  name={t('admin.people.unsuspendName', { name })}
                  busy={list.busy}
                  onClick={() => act(a.id, () => api.admin.unsuspend(a.id))}
                />
              ) : a.id === me ? null : confirming === a.id ? (
                <div role="group" aria-label={t('admin.people.confirmTitle', { name })} class="confirm">
                  <p>{t('admin.people.confirm', { name })}</p>
                  <RowButton
                    label={t('admin.people.confirmSuspend')}
                    name={t('admin.people.confirmSuspendName', { name })}
                    kind="danger"
                    busy={list.busy}
                    onClick={() => act(a.id, () => api.admin.suspend(a.id))}
                  />
                  <button type="button" class="button button-quiet" onClick={() => setConfirming(null)}>
                    {t('admin.cancel')}
                  </button>
                </div>
              ) : (
                <RowButton
                  label={t('admin.people.suspend')}
                  name={t('admin.people.suspendName', { name })}
                  kind="danger"
                  busy={list.busy}
                  onClick={() => setConfirming(a.id)}
                />
              )}
            </div>
          </>
        );
      }}
    >
      <form
        class="card form"
        role="search"
        aria-label={t('admin.people.find')}
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(query.trim());
        }}
      >
        <div class="field">
          <label for="admin-people-search">{t('admin.people.search')}</label>
          <div class="input-row">
            <input id="admin-people-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
            <button type="submit" class="button">
              {t('admin.people.searchButton')}
            </button>
          </div>
        </div>
      </form>
    </ManagedListSection>
  );
}

function Communities() {
  const { t, tn } = useI18n();
  const { api } = useApp();
  const list = useManagedList(() => api.community.communities({ scope: 'local', limit: 40 }), (next) => api.community.communities(next), [api]);
  return (
    <ManagedListSection
      id="admin-communities"
      title={t('admin.communities')}
      list={list}
      empty={t('directory.empty')}
      rowKey={(c) => c.id}
      row={(c) => (
        <>
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
        </>
      )}
    />
  );
}

const modes: FederationMode[] = ['open', 'blocklist', 'allowlist'];

function Federation() {
  const { t } = useI18n();
  const { api } = useApp();
  const settings = useLoad(() => api.admin.settings(), [api]);
  const allows = useLoad(() => api.admin.domainRules('allow'), [api]);
  const blocks = useLoad(() => api.admin.domainRules('block'), [api]);
  const known = usePaged(() => api.admin.instances({ limit: 100 }), (next) => api.admin.instances(next), [api]);
  const { busy, run, errorView } = useRowAction();
  const [host, setHost] = useState('');
  const reloadAll = () => {
    settings.load(true);
    allows.load(true);
    blocks.load(true);
    known.reload(true);
  };
  const addRule = (policy: FederationPolicy) => {
    const domain = host.trim().toLowerCase();
    if (!domain) return;
    void run(`add-${policy}`, () => api.admin.addDomainRule(policy, domain), () => {
      setHost('');
      reloadAll();
    });
  };
  const ruleList = (policy: FederationPolicy, state: typeof allows.state) => (
    <section aria-labelledby={`admin-${policy}s`}>
      <h3 id={`admin-${policy}s`}>{t(`admin.federation.${policy}s` as MessageKey)}</h3>
      <Loaded state={state} reload={() => (policy === 'allow' ? allows : blocks).load()}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="help">{t('admin.federation.noRules')}</p>
          ) : (
            <ul class="row-list">
              {page.items.map((r) => (
                <li key={r.id} class="row">
                  <span>{r.domain}</span>
                  <RowButton
                    label={t('admin.federation.remove')}
                    name={t('admin.federation.removeName', { host: r.domain })}
                    busy={busy !== null}
                    onClick={() => run(r.id, () => api.admin.removeDomainRule(policy, r.id), reloadAll)}
                  />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
  return (
    <section aria-labelledby="admin-federation">
      <h2 id="admin-federation">{t('admin.tab.federation')}</h2>
      {errorView}
      <Loaded state={settings.state} reload={() => settings.load()}>
        {(s) => (
          <fieldset class="field choices">
            <legend>{t('admin.federation.mode')}</legend>
            {modes.map((m) => (
              <div class="field-check" key={m}>
                <input
                  type="radio"
                  id={`federation-mode-${m}`}
                  name="federation-mode"
                  checked={s.federation_mode === m}
                  disabled={busy !== null}
                  aria-describedby={`federation-mode-${m}-help`}
                  onChange={() => run('mode', () => api.admin.updateSettings({ federation_mode: m }), reloadAll)}
                />
                <label for={`federation-mode-${m}`}>{t(`admin.federation.mode.${m}` as MessageKey)}</label>
                <p class="help" id={`federation-mode-${m}-help`}>
                  {t(`admin.federation.mode.${m}.help` as MessageKey)}
                </p>
              </div>
            ))}
          </fieldset>
        )}
      </Loaded>
      <form
        class="card form"
        onSubmit={(e) => {
          e.preventDefault();
          addRule('allow');
        }}
      >
        <div class="field">
          <label for="admin-partner-host">{t('admin.federation.host')}</label>
          <input
            id="admin-partner-host"
            value={host}
            autoComplete="off"
            aria-describedby="admin-partner-host-help"
            onInput={(e) => setHost(e.currentTarget.value)}
          />
          <p class="help" id="admin-partner-host-help">
            {t('admin.federation.hostHelp')}
          </p>
        </div>
        <div class="actions">
          <button type="submit" class="button button-primary" disabled={busy !== null}>
            {t('admin.federation.allow')}
          </button>
          <button type="button" class="button button-danger" disabled={busy !== null} onClick={() => addRule('block')}>
            {t('admin.federation.block')}
          </button>
        </div>
      </form>
      {ruleList('allow', allows.state)}
      {ruleList('block', blocks.state)}
      <section aria-labelledby="admin-known">
        <h3 id="admin-known">{t('admin.federation.known')}</h3>
        <PagedList state={known.state} reload={known.reload} more={known.more} empty={t('admin.federation.noneKnown')}>
          {(items) => (
            <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('admin.federation.host')}</th>
                  <th scope="col">{t('admin.federation.software')}</th>
                  <th scope="col">{t('admin.federation.rule')}</th>
                  <th scope="col">{t('admin.federation.state')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.id}>
                    <th scope="row">{i.domain}</th>
                    <td>{i.software ? `${i.software}${i.version ? ` ${i.version}` : ''}` : t('admin.federation.unknownSoftware')}</td>
                    <td>{t(`admin.federation.rule.${i.policy}` as MessageKey)}</td>
                    <td>{i.allowed ? t('admin.federation.federating') : t('admin.federation.refused')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </PagedList>
      </section>
    </section>
  );
}

function Reports() {
  const { t } = useI18n();
  const { api } = useApp();
  return (
    <ReportQueue
      id="admin-reports"
      title={t('admin.tab.reports')}
      filterLabel={t('admin.reports.filter')}
      filters={['open', 'resolved'] as const}
      filterName={(w) => t(`admin.reports.${w}`)}
      load={(w) => api.admin.reports({ resolved: w === 'resolved', limit: 40 })}
      nextPage={(next) => api.admin.reports(next)}
      deps={[api]}
      view={(r) => {
        const status = r.statuses[0];
        return {
          reason: r.comment || t('admin.reports.noComment'),
          community: r.community?.display_name,
          post: status && { href: `/posts/${status.id}`, text: status.account.display_name || status.account.acct },
          about: r.target_account && '@' + r.target_account.account.acct,
          reporter: '@' + r.account.account.acct,
          created_at: r.created_at,
          resolvedBy: r.action_taken_by_account && '@' + r.action_taken_by_account.username,
        };
      }}
      actions={(r, list) =>
        r.action_taken ? (
          <RowButton
            label={t('admin.reports.reopen')}
            name={t('admin.reports.reopenName', { reason: r.comment })}
            busy={list.busy}
            onClick={() => list.act(r.id, () => api.admin.reopenReport(r.id))}
          />
        ) : (
          <RowButton
            label={t('manage.resolve')}
            name={t('admin.reports.resolveName', { reason: r.comment })}
            kind="primary"
            busy={list.busy}
            onClick={() => list.act(r.id, () => api.admin.resolveReport(r.id))}
          />
        )
      }
    />
  );
}

const registrationChoices: Registrations[] = ['open', 'approval', 'closed'];

function Settings() {
  const { api } = useApp();
  const settings = useLoad(() => api.admin.settings(), [api]);
  return (
    <Loaded state={settings.state} reload={() => settings.load()}>
      {(s) => <SettingsForm initial={s} onSaved={settings.set} />}
    </Loaded>
  );
}

function SettingsForm(props: { initial: InstanceSettings; onSaved(s: InstanceSettings): void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const errorMessage = useErrorMessage();
  const [v, setV] = useState(props.initial);
  const [phase, setPhase] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<{ message: string; detail: string | null } | null>(null);
  const set = <K extends keyof InstanceSettings>(key: K, value: InstanceSettings[K]) => {
    setV((old) => ({ ...old, [key]: value }));
    setPhase('idle');
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!v.title.trim()) {
      setError({ message: t('admin.settings.titleMissing'), detail: null });
      return;
    }
    setPhase('saving');
    setError(null);
    try {
      const saved = await api.admin.updateSettings({
        title: v.title.trim(),
        description: v.description,
        contact_email: v.contact_email.trim(),
        registrations: v.registrations,
      });
      props.onSaved(saved);
      setPhase('saved');
    } catch (err) {
      setError(errorMessage(err));
      setPhase('idle');
    }
  };
  return (
    <section aria-labelledby="admin-settings">
      <h2 id="admin-settings">{t('admin.tab.settings')}</h2>
      <form class="card form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="instance-title">{t('admin.settings.title')}</label>
          <input id="instance-title" value={v.title} required maxLength={100} onInput={(e) => set('title', e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="instance-description">{t('admin.settings.description')}</label>
          <textarea id="instance-description" rows={4} maxLength={2000} value={v.description} onInput={(e) => set('description', e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="instance-contact">{t('admin.settings.contact')}</label>
          <input id="instance-contact" type="email" value={v.contact_email} maxLength={320} onInput={(e) => set('contact_email', e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="instance-registrations">{t('admin.settings.registrations')}</label>
          <select id="instance-registrations" value={v.registrations} onChange={(e) => set('registrations', e.currentTarget.value as Registrations)}>
            {registrationChoices.map((r) => (
              <option key={r} value={r}>
                {t(`admin.settings.registrations.${r}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <FormError error={error} />
        <FormActions submit={t('admin.settings.save')} busy={phase === 'saving'} />
        <span role="status">{phase === 'saved' ? t('settings.saved') : ''}</span>
      </form>
    </section>
  );
}
