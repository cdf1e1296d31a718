// The manager tools of one community, one tab each: settings, join requests, members and
// moderators, bans, the reports queue, the moderation log and insights.
import { useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';

import type { Community, Membership } from '../../api';
import { communityPath, personName, threadPath } from '../../components/community';
import { Page } from '../../components/page';
import { ImageUpload } from '../../components/ImageUpload';
import { ManagedListSection, RowButton, useManagedList } from '../../components/ManagedList';
import { ReportQueue } from '../../components/ReportQueue';
import { ErrorState, Loading } from '../../components/states';
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
            <>
              <CommunityForm
                initial={c}
                submitLabel={t('manage.saveSettings')}
                onSubmit={async (v) => {
                  const { handle: _handle, ...settings } = v;
                  set(await api.community.updateCommunity(c.id, settings));
                }}
              />
              {(['icon', 'header'] as const).map((image) => (
                <ImageUpload
                  key={image}
                  id={`community-${image}`}
                  messages={image === 'icon' ? 'manage.icon' : 'manage.banner'}
                  shape={image === 'icon' ? 'square' : 'banner'}
                  current={c[image]}
                  upload={async (file) => set(await api.community.uploadImage(c.id, image, file))}
                  remove={async () => set(await api.community.updateCommunity(c.id, { [image]: null }))}
                />
              ))}
            </>
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

// Join requests, members or bans of a community, 40 a page.
function useMemberships(c: Community, kind: 'requests' | 'members' | 'bans', refreshOnFocus = false) {
  const { api } = useApp();
  const fetch = api.community[kind];
  return useManagedList(
    () => fetch(c.id, { limit: 40 }),
    (next) => fetch(c.id, next),
    [api, c.id, kind],
    { refreshOnFocus },
  );
}

function PersonCell(props: { m: Membership }) {
  return (
    <>
      <span class="author">{personName(props.m.person)}</span> <span class="acct">@{props.m.person.acct}</span>
    </>
  );
}

function Requests(props: { community: Community }) {
  const { t, formatRelative } = useI18n();
  const { api } = useApp();
  const c = props.community;
  // Requests come in while the page is open: reloaded when the manager comes back to it.
  const list = useMemberships(c, 'requests', true);
  return (
    <ManagedListSection
      id="requests-heading"
      title={t('manage.tab.requests')}
      list={list}
      empty={t('manage.noRequests')}
      showEnd={false}
      rowKey={(m) => m.person.id}
      row={(m) => (
        <>
          <div>
            <PersonCell m={m} />
            <p class="status-meta">{t('manage.askedAt', { when: formatRelative(m.since) })}</p>
          </div>
          <div class="actions">
            <RowButton
              kind="primary"
              busy={list.busy}
              label={t('manage.approve')}
              name={t('manage.approveNamed', { name: personName(m.person) })}
              onClick={() => list.act(m.person.id, () => api.community.approve(c.id, m.person.id))}
            />
            <RowButton
              busy={list.busy}
              label={t('manage.reject')}
              name={t('manage.rejectNamed', { name: personName(m.person) })}
              onClick={() => list.act(m.person.id, () => api.community.reject(c.id, m.person.id))}
            />
          </div>
        </>
      )}
    />
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
  const list = useMemberships(c, 'members');
  return (
    <ManagedListSection
      id="members-heading"
      title={t('manage.tab.members')}
      list={list}
      empty={t('manage.noMembers')}
      rowKey={(m) => m.person.id}
      row={(m) => (
        <>
          <div>
            <PersonCell m={m} /> <span class="pill">{t(`role.${m.role}` as MessageKey)}</span>
          </div>
          <div class="actions">
            {m.role === 'member' && (
              <RowButton
                busy={list.busy}
                label={t('manage.makeModerator')}
                name={t('manage.makeModeratorNamed', { name: personName(m.person) })}
                onClick={() => list.act(m.person.id, () => api.community.addModerator(c.id, m.person.id))}
              />
            )}
            {m.role === 'moderator' && (
              <RowButton
                busy={list.busy}
                label={t('manage.removeModerator')}
                name={t('manage.removeModeratorNamed', { name: personName(m.person) })}
                onClick={() => list.act(m.person.id, () => api.community.removeModerator(c.id, m.person.id))}
              />
            )}
            {m.role !== 'owner' && (
              <RowButton
                kind="danger"
                busy={list.busy}
                label={t('manage.ban')}
                name={t('manage.banNamed', { name: personName(m.person) })}
                onClick={() => list.act(m.person.id, () => api.community.ban(c.id, { person: m.person.id }))}
              />
            )}
          </div>
        </>
      )}
    >
      <PersonForm
        id="add-moderator"
        label={t('manage.addModerator')}
        submit={t('manage.appoint')}
        onSubmit={(person) => list.act('add', () => api.community.addModerator(c.id, person))}
      />
    </ManagedListSection>
  );
}

function Bans(props: { community: Community }) {
  const { t, formatDate } = useI18n();
  const { api } = useApp();
  const c = props.community;
  const list = useMemberships(c, 'bans');
  return (
    <ManagedListSection
      id="bans-heading"
      title={t('manage.tab.bans')}
      list={list}
      empty={t('manage.noBans')}
      showEnd={false}
      rowKey={(m) => m.person.id}
      row={(m) => (
        <>
          <div>
            <PersonCell m={m} />
            <p class="status-meta">
              {m.ban?.reason ? t('manage.banReasonShown', { reason: m.ban.reason }) : t('manage.noReason')} ·{' '}
              {m.ban?.expires_at ? t('manage.until', { when: formatDate(m.ban.expires_at) }) : t('manage.banPermanent')}
            </p>
          </div>
          <RowButton
            busy={list.busy}
            label={t('manage.unban')}
            name={t('manage.unbanNamed', { name: personName(m.person) })}
            onClick={() => list.act(m.person.id, () => api.community.unban(c.id, m.person.id))}
          />
        </>
      )}
    >
      <PersonForm
        id="ban"
        label={t('manage.banPerson')}
        submit={t('manage.ban')}
        withBan
        onSubmit={(person, reason, expires_at) => list.act('ban', () => api.community.ban(c.id, { person, reason, expires_at }))}
      />
    </ManagedListSection>
  );
}

function Reports(props: { community: Community }) {
  const { t } = useI18n();
  const { api } = useApp();
  const c = props.community;
  return (
    <ReportQueue
      id="reports-heading"
      title={t('manage.tab.reports')}
      filterLabel={t('manage.reportFilter')}
      filters={['open', 'all'] as const}
      filterName={(w) => t(`manage.reports.${w}`)}
      load={(state) => api.community.reports(c.id, { state, limit: 20 })}
      nextPage={(next) => api.community.reports(c.id, next)}
      deps={[api, c.id]}
      refreshOnFocus
      view={(r) => ({
        reason: r.reason,
        post: r.post && { href: threadPath({ id: r.post.thread_id }), text: r.post.title || r.post.excerpt, author: personName(r.post.author) },
        reporter: personName(r.reporter),
        created_at: r.created_at,
        resolvedBy: r.resolved_at ? personName(r.resolved_by) : null,
      })}
      actions={(r, list) =>
        !r.resolved_at && (
          <>
            {r.post && (
              <button type="button" class="button button-danger" disabled={list.busy} onClick={() => list.act(r.id, () => api.community.remove(r.post!.id, r.reason))}>
                {t('mod.remove')}
              </button>
            )}
            <button type="button" class="button" disabled={list.busy} onClick={() => list.act(r.id, () => api.community.resolveReport(r.id))}>
              {t('manage.resolve')}
            </button>
          </>
        )
      }
    />
  );
}

export function ModLog(props: { community: Community }) {
  const { t, formatDate, formatRelative } = useI18n();
  const { api } = useApp();
  const c = props.community;
  const list = useManagedList(
    () => api.community.modlog(c.id, { limit: 30 }),
    (next) => api.community.modlog(c.id, next),
    [api, c.id],
  );
  return (
    <ManagedListSection
      id="modlog-heading"
      title={t('manage.tab.modlog')}
      list={list}
      empty={t('manage.noModlog')}
      ordered
      rowKey={(e) => e.id}
      row={(e) => (
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
      )}
    />
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
