// The manager tools of one community, one tab each: settings, join requests, members and
// moderators, bans, the reports queue, the moderation log and insights.
import { useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';

import type { Community, Membership } from '../../api';
import { communityPath, personName, threadPath } from '../../components/community';
import { Page } from '../../components/page';
import { PagedList } from '../../components/PagedList';
import { ErrorState, Loading, useErrorText } from '../../components/states';
import { useFocusRefresh } from '../../hooks/useFocusRefresh';
import { usePaged } from '../../hooks/usePaged';
import { useI18n, type MessageKey } from '../../i18n';
import { useApp } from '../../session';
import { useCommunity } from '../CommunityPage';
import { CommunityForm } from './CommunityForm';
import { Insights } from './Insights';

export const manageTabs = ['settings', 'requests', 'members', 'bans', 'reports', 'modlog', 'insights'] as const;
export type ManageTab = (typeof manageTabs)[number];

export function ManageCommunity(props: { acct?: string; tab?: string }) {
  const { params } = useRoute();
  const { t } = useI18n();
  const acct = decodeURIComponent(props.acct ?? params?.acct ?? '');
  const wanted = props.tab ?? params?.tab ?? '';
  const tab = (manageTabs as readonly string[]).includes(wanted) ? (wanted as ManageTab) : 'settings';
  const { api } = useApp();
  const { state, load, set } = useCommunity(acct);
  if (state.phase !== 'ready')
    return (
      <Page title={t('manage.title')}>
        {state.phase === 'loading' ? <Loading /> : <ErrorState error={state.error} onRetry={load} />}
      </Page>
    );
  const c = state.data;
  const base = `${communityPath(c)}/manage`;
  return (
    <Page title={t('manage.titleOf', { community: c.title })}>
      <p>
        <a href={communityPath(c)}>{t('manage.backTo', { community: c.title })}</a>
      </p>
      <nav class="tabs" aria-label={t('manage.tabs')}>
        <ul>
          {manageTabs.map((x) => (
            <li key={x}>
              <a href={`${base}/${x}`} aria-current={tab === x ? 'page' : undefined}>
                {t(`manage.tab.${x}` as MessageKey)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {!c.me?.can_manage ? (
        <p class="form-error" role="alert">
          {t('errors.forbidden')}
        </p>
      ) : !c.local && tab !== 'insights' && tab !== 'modlog' ? (
        <p class="form-notice">{t('manage.remote', { host: c.host })}</p>
      ) : (
        <>
          {tab === 'settings' && (
            <CommunityForm
              initial={c}
              submitLabel={t('manage.saveSettings')}
              onSubmit={async (v) => {
                const { handle: _handle, ...settings } = v;
                set(await api.community.updateCommunity(c.id, settings));
              }}
            />
          )}
          {tab === 'requests' && <Requests community={c} />}
          {tab === 'members' && <Members community={c} />}
          {tab === 'bans' && <Bans community={c} />}
          {tab === 'reports' && <Reports community={c} />}
          {tab === 'modlog' && <ModLog community={c} />}
          {tab === 'insights' && <Insights community={c} />}
        </>
      )}
    </Page>
  );
}

// One row action at a time, with its error shown above the list (also the admin pages').
export function useRowAction() {
  const errorText = useErrorText();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (key: string, call: () => Promise<unknown>, after: () => void) => {
    setBusy(key);
    setError(null);
    try {
      await call();
      after();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const errorView = error && (
    <p class="form-error" role="alert">
      {error}
    </p>
  );
  return { busy, run, errorView };
}

function PersonCell(props: { m: Membership }) {
  return (
    <>
      <span class="author">{personName(props.m.person)}</span> <span class="acct">@{props.m.person.acct}</span>
    </>
  );
}

// A button acting on one row ("Approve Erin"): disabled while any row action runs.
export function RowButton(props: { label: string; name: string; kind?: 'primary' | 'danger'; busy: boolean; onClick(): void }) {
  return (
    <button
      type="button"
      class={props.kind ? `button button-${props.kind}` : 'button'}
      disabled={props.busy}
      aria-label={props.name}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

function Requests(props: { community: Community }) {
  const { t, formatRelative } = useI18n();
  const { api } = useApp();
  const c = props.community;
  const list = usePaged(
    () => api.community.requests(c.id, { limit: 40 }),
    (next) => api.community.requests(c.id, next),
    [api, c.id],
  );
  useFocusRefresh(() => list.reload(true));
  const { busy, run, errorView } = useRowAction();
  const after = () => list.reload(true);
  return (
    <section aria-labelledby="requests-heading">
      <h2 id="requests-heading">{t('manage.tab.requests')}</h2>
      {errorView}
      <PagedList state={list.state} reload={list.reload} more={list.more} empty={t('manage.noRequests')} showEnd={false}>
        {(items) => (
          <ul class="row-list">
            {items.map((m) => (
              <li key={m.person.id} class="row">
                <div>
                  <PersonCell m={m} />
                  <p class="status-meta">{t('manage.askedAt', { when: formatRelative(m.since) })}</p>
                </div>
                <div class="actions">
                  <RowButton
                    kind="primary"
                    busy={busy !== null}
                    label={t('manage.approve')}
                    name={t('manage.approveNamed', { name: personName(m.person) })}
                    onClick={() => run(m.person.id, () => api.community.approve(c.id, m.person.id), after)}
                  />
                  <RowButton
                    busy={busy !== null}
                    label={t('manage.reject')}
                    name={t('manage.rejectNamed', { name: personName(m.person) })}
                    onClick={() => run(m.person.id, () => api.community.reject(c.id, m.person.id), after)}
                  />
                </div>
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </section>
  );
}

function PersonForm(props: { id: string; label: string; submit: string; withBan?: boolean; onSubmit(person: string, reason?: string, expires?: string): Promise<void> }) {
  const { t } = useI18n();
  const [person, setPerson] = useState('');
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('');
  return (
    <form
      class="card form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!person.trim()) return;
        const expires = days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : undefined;
        await props.onSubmit(person.trim(), reason.trim() || undefined, expires);
        setPerson('');
        setReason('');
      }}
    >
      <div class="field">
        <label for={`${props.id}-person`}>{props.label}</label>
        <input id={`${props.id}-person`} value={person} placeholder="alice@b.example" aria-describedby={`${props.id}-help`} onInput={(e) => setPerson(e.currentTarget.value)} />
        <p class="help" id={`${props.id}-help`}>
          {t('manage.personHelp')}
        </p>
      </div>
      {props.withBan && (
        <>
          <div class="field">
            <label for={`${props.id}-reason`}>{t('manage.banReason')}</label>
            <input id={`${props.id}-reason`} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${props.id}-days`}>{t('manage.banDuration')}</label>
            <select id={`${props.id}-days`} value={days} onChange={(e) => setDays(e.currentTarget.value)}>
              <option value="">{t('manage.banPermanent')}</option>
              {[1, 7, 30, 365].map((d) => (
                <option key={d} value={String(d)}>
                  {t('insights.lastDays', { count: d })}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      <div class="actions">
        <button type="submit" class="button button-primary">
          {props.submit}
        </button>
      </div>
    </form>
  );
}

function Members(props: { community: Community }) {
  const { t } = useI18n();
  const { api } = useApp();
  const c = props.community;
  const list = usePaged(
    () => api.community.members(c.id, { limit: 40 }),
    (next) => api.community.members(c.id, next),
    [api, c.id],
  );
  const { busy, run, errorView } = useRowAction();
  const after = () => list.reload(true);
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">{t('manage.tab.members')}</h2>
      <PersonForm
        id="add-moderator"
        label={t('manage.addModerator')}
        submit={t('manage.appoint')}
        onSubmit={(person) => run('add', () => api.community.addModerator(c.id, person), after)}
      />
      {errorView}
      <PagedList state={list.state} reload={list.reload} more={list.more} empty={t('manage.noMembers')}>
        {(items) => (
          <ul class="row-list">
            {items.map((m) => (
              <li key={m.person.id} class="row">
                <div>
                  <PersonCell m={m} /> <span class="pill">{t(`role.${m.role}` as MessageKey)}</span>
                </div>
                <div class="actions">
                  {m.role === 'member' && (
                    <RowButton
                      busy={busy !== null}
                      label={t('manage.makeModerator')}
                      name={t('manage.makeModeratorNamed', { name: personName(m.person) })}
                      onClick={() => run(m.person.id, () => api.community.addModerator(c.id, m.person.id), after)}
                    />
                  )}
                  {m.role === 'moderator' && (
                    <RowButton
                      busy={busy !== null}
                      label={t('manage.removeModerator')}
                      name={t('manage.removeModeratorNamed', { name: personName(m.person) })}
                      onClick={() => run(m.person.id, () => api.community.removeModerator(c.id, m.person.id), after)}
                    />
                  )}
                  {m.role !== 'owner' && (
                    <RowButton
                      kind="danger"
                      busy={busy !== null}
                      label={t('manage.ban')}
                      name={t('manage.banNamed', { name: personName(m.person) })}
                      onClick={() => run(m.person.id, () => api.community.ban(c.id, { person: m.person.id }), after)}
                    />
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </section>
  );
}

function Bans(props: { community: Community }) {
  const { t, formatDate } = useI18n();
  const { api } = useApp();
  const c = props.community;
  const list = usePaged(
    () => api.community.bans(c.id, { limit: 40 }),
    (next) => api.community.bans(c.id, next),
    [api, c.id],
  );
  const { busy, run, errorView } = useRowAction();
  const after = () => list.reload(true);
  return (
    <section aria-labelledby="bans-heading">
      <h2 id="bans-heading">{t('manage.tab.bans')}</h2>
      <PersonForm
        id="ban"
        label={t('manage.banPerson')}
        submit={t('manage.ban')}
        withBan
        onSubmit={(person, reason, expires_at) => run('ban', () => api.community.ban(c.id, { person, reason, expires_at }), after)}
      />
      {errorView}
      <PagedList state={list.state} reload={list.reload} more={list.more} empty={t('manage.noBans')} showEnd={false}>
        {(items) => (
          <ul class="row-list">
            {items.map((m) => (
              <li key={m.person.id} class="row">
                <div>
                  <PersonCell m={m} />
                  <p class="status-meta">
                    {m.ban?.reason ? t('manage.banReasonShown', { reason: m.ban.reason }) : t('manage.noReason')} ·{' '}
                    {m.ban?.expires_at ? t('manage.until', { when: formatDate(m.ban.expires_at) }) : t('manage.banPermanent')}
                  </p>
                </div>
                <RowButton
                  busy={busy !== null}
                  label={t('manage.unban')}
                  name={t('manage.unbanNamed', { name: personName(m.person) })}
                  onClick={() => run(m.person.id, () => api.community.unban(c.id, m.person.id), after)}
                />
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </section>
  );
}

function Reports(props: { community: Community }) {
  const { t, formatRelative } = useI18n();
  const { api } = useApp();
  const c = props.community;
  const [which, setWhich] = useState<'open' | 'all'>('open');
  const list = usePaged(
    () => api.community.reports(c.id, { state: which, limit: 20 }),
    (next) => api.community.reports(c.id, next),
    [api, c.id, which],
  );
  useFocusRefresh(() => list.reload(true));
  const { busy, run, errorView } = useRowAction();
  return (
    <section aria-labelledby="reports-heading">
      <div class="section-head">
        <h2 id="reports-heading">{t('manage.tab.reports')}</h2>
        <div class="segmented" role="group" aria-label={t('manage.reportFilter')}>
          {(['open', 'all'] as const).map((w) => (
            <button key={w} type="button" aria-pressed={which === w} onClick={() => setWhich(w)}>
              {t(`manage.reports.${w}` as MessageKey)}
            </button>
          ))}
        </div>
      </div>
      {errorView}
      <PagedList state={list.state} reload={list.reload} more={list.more} empty={t('manage.noReports')}>
        {(items) => (
          <ul class="row-list">
            {items.map((r) => (
              <li key={r.id} class="row report">
                <div>
                  <p>
                    <strong>{t('manage.reportReason', { reason: r.reason })}</strong>
                  </p>
                  {r.post && (
                    <p>
                      <a href={threadPath({ id: r.post.thread_id })}>{r.post.title || r.post.excerpt}</a> ·{' '}
                      {t('manage.reportAuthor', { name: personName(r.post.author) })}
                    </p>
                  )}
                  <p class="status-meta">
                    {t('manage.reportedBy', { name: personName(r.reporter), when: formatRelative(r.created_at) })}
                    {r.resolved_at && ` · ${t('manage.resolvedBy', { name: personName(r.resolved_by) })}`}
                  </p>
                </div>
                {!r.resolved_at && (
                  <div class="actions">
                    {r.post && (
                      <button
                        type="button"
                        class="button button-danger"
                        disabled={busy !== null}
                        onClick={() => run(r.id, () => api.community.remove(r.post!.id, r.reason), () => list.reload(true))}
                      >
                        {t('mod.remove')}
                      </button>
                    )}
                    <button
                      type="button"
                      class="button"
                      disabled={busy !== null}
                      onClick={() => run(r.id, () => api.community.resolveReport(r.id), () => list.reload(true))}
                    >
                      {t('manage.resolve')}
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </PagedList>
    </section>
  );
}

export function ModLog(props: { community: Community }) {
  const { t, formatDate, formatRelative } = useI18n();
  const { api } = useApp();
  const c = props.community;
  const list = usePaged(
    () => api.community.modlog(c.id, { limit: 30 }),
    (next) => api.community.modlog(c.id, next),
    [api, c.id],
  );
  return (
    <section aria-labelledby="modlog-heading">
      <h2 id="modlog-heading">{t('manage.tab.modlog')}</h2>
      <PagedList state={list.state} reload={list.reload} more={list.more} empty={t('manage.noModlog')}>
        {(items) => (
          <ol class="row-list">
            {items.map((e) => (
              <li key={e.id} class="row">
                <div>
                  <p>
                    {t(`modlog.${e.action}` as MessageKey, {
                      moderator: personName(e.moderator) || t('modlog.someone'),
                      person: personName(e.person),
                    })}
                    {e.post_id && (
                      <>
                        {' '}
                        <a href={threadPath({ id: e.post_id })}>{t('modlog.post')}</a>
                      </>
                    )}
                  </p>
                  <p class="status-meta">
                    <time dateTime={e.created_at} title={formatDate(e.created_at)}>
                      {formatRelative(e.created_at)}
                    </time>
                    {e.reason && ` · ${t('manage.banReasonShown', { reason: e.reason })}`}
                    {e.expires_at && ` · ${t('manage.until', { when: formatDate(e.expires_at) })}`}
                  </p>
                </div>
              </li>
            ))}
          </ol>
        )}
      </PagedList>
    </section>
  );
}

// The public moderation log of a community (/communities/:acct/modlog).
export function ModLogPage() {
  const { params } = useRoute();
  const { t } = useI18n();
  const { state, load } = useCommunity(decodeURIComponent(params?.acct ?? ''));
  if (state.phase !== 'ready')
    return (
      <Page title={t('manage.tab.modlog')}>
        {state.phase === 'loading' ? <Loading /> : <ErrorState error={state.error} onRetry={load} />}
      </Page>
    );
  return (
    <Page title={t('modlog.titleOf', { community: state.data.title })}>
      <p>
        <a href={communityPath(state.data)}>{t('manage.backTo', { community: state.data.title })}</a>
      </p>
      <ModLog community={state.data} />
    </Page>
  );
}
