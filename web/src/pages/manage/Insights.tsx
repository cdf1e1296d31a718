// Insights for community managers (GET /communities/{id}/insights): members over time, active
// members, threads, comments and reactions over time, questions (unanswered, median time to the
// first answer) and members by instance. Every chart has its table beside it.
import { useState } from 'preact/hooks';

import type { Community, Insights as InsightsData } from '../../api';
import { Chart, DataTable } from '../../components/Chart';
import { threadPath } from '../../components/community';
import { Loaded } from '../../components/states';
import { useFocusRefresh } from '../../hooks/useFocusRefresh';
import { useLoad } from '../../hooks/useLoad';
import { useI18n } from '../../i18n';
import { useApp } from '../../session';

const periods = [7, 30, 90, 365];

// "1 h 30 min", "2 d 3 h", "45 min" in the UI's language.
export function useDuration() {
  const { formatNumber } = useI18n();
  return (seconds: number) => {
    const unit = (value: number, u: 'day' | 'hour' | 'minute') =>
      formatNumber(value, { style: 'unit', unit: u, unitDisplay: 'short' });
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return unit(Math.max(minutes, seconds > 0 ? 1 : 0), 'minute');
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return minutes % 60 ? `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}` : unit(hours, 'hour');
    const days = Math.floor(hours / 24);
    return hours % 24 ? `${unit(days, 'day')} ${unit(hours % 24, 'hour')}` : unit(days, 'day');
  };
}

export function Insights(props: { community: Community }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [days, setDays] = useState(30);
  const { state, load } = useLoad(() => api.community.insights(props.community.id, days), [api, props.community.id, days]);
  useFocusRefresh(() => load(true));

  return (
    <section aria-labelledby="insights-heading">
      <div class="section-head">
        <h2 id="insights-heading">{t('insights.title')}</h2>
        <div class="field field-inline compact">
          <label for="insights-days">{t('insights.period')}</label>
          <select id="insights-days" value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
            {periods.map((p) => (
              <option key={p} value={String(p)}>
                {t('insights.lastDays', { count: p })}
              </option>
            ))}
          </select>
        </div>
        <button type="button" class="button" onClick={() => load()}>
          {t('home.refresh')}
        </button>
      </div>
      <Loaded state={state} reload={load}>
        {(data) => <InsightsView data={data} />}
      </Loaded>
    </section>
  );
}

function InsightsView(props: { data: InsightsData }) {
  const { t, formatNumber, formatDate } = useI18n();
  const duration = useDuration();
  const d = props.data;
  const q = d.questions;
  const day = (date: string) => formatDate(`${date}T00:00:00Z`, { dateStyle: 'medium', timeZone: 'UTC' });
  const memberDates = d.members.series.map((s) => s.date);
  const activityDates = d.activity.map((a) => a.date);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const threads = sum(d.activity.map((a) => a.threads));
  const comments = sum(d.activity.map((a) => a.comments));
  const maxInstance = Math.max(1, ...d.members_by_instance.map((m) => m.members));

  return (
    <div class="insights">
      <dl class="tiles">
        <div class="tile">
          <dt>{t('insights.members')}</dt>
          <dd>{formatNumber(d.members.total)}</dd>
        </div>
        <div class="tile">
          <dt>{t('insights.activeDay')}</dt>
          <dd>{formatNumber(d.active_members.day)}</dd>
        </div>
        <div class="tile">
          <dt>{t('insights.activeWeek')}</dt>
          <dd>{formatNumber(d.active_members.week)}</dd>
        </div>
        <div class="tile">
          <dt>{t('insights.activeMonth')}</dt>
          <dd>{formatNumber(d.active_members.month)}</dd>
        </div>
        <div class="tile">
          <dt>{t('insights.unanswered')}</dt>
          <dd>{formatNumber(q.unanswered)}</dd>
        </div>
        <div class="tile">
          <dt>{t('insights.medianFirstAnswer')}</dt>
          <dd>{q.median_seconds_to_first_answer === null ? t('insights.none') : duration(q.median_seconds_to_first_answer)}</dd>
        </div>
      </dl>

      <section class="card" aria-labelledby="insights-members">
        <h3 id="insights-members">{t('insights.membersOverTime')}</h3>
        <Chart
          kind="line"
          title={t('insights.membersOverTime')}
          summary={t('insights.membersSummary', {
            from: day(d.from),
            to: day(d.to),
            first: d.members.series[0]?.total ?? 0,
            last: d.members.total,
          })}
          dates={memberDates}
          series={[{ label: t('insights.members'), values: d.members.series.map((s) => s.total), className: 'series-1' }]}
        />
        <details>
          <summary>{t('insights.showTable')}</summary>
          <DataTable
            caption={t('insights.membersOverTime')}
            columns={[t('insights.date'), t('insights.members'), t('insights.joined')]}
            rows={d.members.series.map((s) => [day(s.date), s.total, s.joined])}
          />
        </details>
      </section>

      <section class="card" aria-labelledby="insights-activity">
        <h3 id="insights-activity">{t('insights.activity')}</h3>
        <Chart
          kind="bar"
          title={t('insights.activity')}
          summary={t('insights.activitySummary', { threads, comments })}
          dates={activityDates}
          series={[
            { label: t('insights.threads'), values: d.activity.map((a) => a.threads), className: 'series-1' },
            { label: t('insights.comments'), values: d.activity.map((a) => a.comments), className: 'series-2' },
            { label: t('insights.reactions'), values: d.activity.map((a) => a.reactions), className: 'series-3' },
          ]}
        />
        <details>
          <summary>{t('insights.showTable')}</summary>
          <DataTable
            caption={t('insights.activity')}
            columns={[t('insights.date'), t('insights.threads'), t('insights.comments'), t('insights.reactions')]}
            rows={d.activity.map((a) => [day(a.date), a.threads, a.comments, a.reactions])}
          />
        </details>
      </section>

      <div class="two-columns">
        <section class="card" aria-labelledby="insights-questions">
          <h3 id="insights-questions">{t('insights.questions')}</h3>
          <DataTable
            caption={t('insights.questionsCaption')}
            columns={[t('insights.measure'), t('insights.value')]}
            rows={[
              [t('insights.questionsTotal'), q.total],
              [t('insights.answered'), q.answered],
              [t('insights.accepted'), q.accepted],
              [t('insights.unanswered'), q.unanswered],
              [
                t('insights.medianFirstAnswer'),
                q.median_seconds_to_first_answer === null ? t('insights.none') : duration(q.median_seconds_to_first_answer),
              ],
            ]}
          />
          {q.unanswered_threads.length > 0 && (
            <>
              <h4>{t('insights.unansweredList')}</h4>
              <ul class="plain-list">
                {q.unanswered_threads.map((th) => (
                  <li key={th.id}>
                    <a href={threadPath(th)}>{th.title}</a> <span class="help">{formatDate(th.published_at, { dateStyle: 'medium' })}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>

        <section class="card" aria-labelledby="insights-reactions">
          <h3 id="insights-reactions">{t('insights.reactions')}</h3>
          <DataTable
            caption={t('insights.reactionsCaption', { count: d.reactions.total })}
            columns={[t('insights.reaction'), t('insights.count')]}
            rows={[
              [t('reactions.like'), d.reactions.likes],
              [t('insights.dislike'), d.reactions.dislikes],
              ...d.reactions.emoji.map((e) => [e.emoji, e.count] as [string, number]),
            ]}
          />
        </section>
      </div>

      <section class="card" aria-labelledby="insights-instances">
        <h3 id="insights-instances">{t('insights.byInstance')}</h3>
        <svg
          class="hbars"
          viewBox={`0 0 400 ${Math.max(1, d.members_by_instance.length) * 28}`}
          role="img"
          aria-label={t('insights.byInstanceSummary', { count: d.members_by_instance.length })}
        >
          {d.members_by_instance.map((m, i) => (
            <g key={m.host}>
              <text class="chart-axis" x={0} y={i * 28 + 18}>
                {m.host}
              </text>
              <rect class={`chart-bar ${m.local ? 'series-1' : 'series-2'}`} x={160} y={i * 28 + 6} height={16} width={(m.members / maxInstance) * 200} />
              <text class="chart-axis" x={166 + (m.members / maxInstance) * 200} y={i * 28 + 18}>
                {formatNumber(m.members)}
              </text>
            </g>
          ))}
        </svg>
        <DataTable
          caption={t('insights.byInstance')}
          columns={[t('insights.instance'), t('insights.members')]}
          rows={d.members_by_instance.map((m) => [m.local ? t('insights.thisInstance', { host: m.host }) : m.host, m.members])}
        />
      </section>
    </div>
  );
}
