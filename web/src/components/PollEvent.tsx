// A thread's poll (voting, then the results) and event (when, where, RSVP) on the thread page.
// Votes and answers go to the community's host, which counts them (docs/api.md, Thread).
import { useRef, useState } from 'preact/hooks';

import type { CommunityEvent, Poll, RsvpStatus, Thread } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../session';
import { InlineError, useErrorText } from './states';

export function PollView(props: { thread: Thread; poll: Poll; canVote: boolean; onChange(t: Thread): void }) {
  const { t, tn, formatDate, formatNumber } = useI18n();
  const { api } = useApp();
  const errorText = useErrorText();
  const p = props.poll;
  const [choices, setChoices] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = `poll-${props.thread.id}`;
  const voting = props.canVote && !p.expired && p.my_choices.length === 0;

  const vote = async (e: Event) => {
    e.preventDefault();
    if (choices.length === 0) return setError(t('poll.chooseFirst'));
    setBusy(true);
    setError(null);
    try {
      props.onChange(await api.community.vote(props.thread.id, choices));
      // The form gives way to the results: the keyboard continues from the poll's heading.
      heading.current?.focus();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const ends = p.ends_at ? t(p.expired ? 'poll.ended' : 'poll.ends', { date: formatDate(p.ends_at) }) : null;
  return (
    <section class="poll" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} class="small-heading" tabIndex={-1} ref={heading}>
        {t('poll.title')}
      </h2>
      <p class="help">
        {p.multiple ? t('poll.multiple') : t('poll.single')}
        {ends && ` · ${ends}`}
      </p>
      {voting ? (
        <form class="form" onSubmit={vote} noValidate>
          <fieldset class="choices">
            <legend class="visually-hidden">{t('poll.yourChoice')}</legend>
            {p.options.map((o, i) => (
              <div class="field-check compact" key={o.name}>
                <input
                  id={`${id}-option-${i}`}
                  type={p.multiple ? 'checkbox' : 'radio'}
                  name={`${id}-choice`}
                  checked={choices.includes(o.name)}
                  onChange={(e) =>
                    setChoices(
                      p.multiple
                        ? e.currentTarget.checked
                          ? [...choices, o.name]
                          : choices.filter((c) => c !== o.name)
                        : [o.name],
                    )
                  }
                />
                <label for={`${id}-option-${i}`}>{o.name}</label>
              </div>
            ))}
          </fieldset>
          <InlineError text={error} />
          <div class="actions">
            <button type="submit" class="button button-primary" disabled={busy}>
              {busy ? t('poll.voting') : t('poll.vote')}
            </button>
          </div>
        </form>
      ) : (
        <ul class="poll-results" aria-label={t('poll.results')}>
          {p.options.map((o) => {
            const share = p.voters_count > 0 ? o.votes / p.voters_count : 0;
            const mine = p.my_choices.includes(o.name);
            return (
              <li key={o.name} class={mine ? 'mine' : undefined}>
                <span class="poll-option">
                  {o.name}
                  {mine && <span class="pill pill-success">✓ {t('poll.yourVote')}</span>}
                </span>
                <span class="poll-count">
                  {tn('poll.votes', o.votes)} · {formatNumber(share, { style: 'percent', maximumFractionDigits: 0 })}
                </span>
                <meter min={0} max={1} value={share} aria-hidden="true" />
              </li>
            );
          })}
        </ul>
      )}
      <p class="help">
        {tn('poll.voters', p.voters_count)}
        {!props.canVote && !p.expired && ` · ${t('poll.joinToVote')}`}
      </p>
    </section>
  );
}

const rsvpChoices: RsvpStatus[] = ['going', 'maybe', 'not_going'];

export function EventView(props: { thread: Thread; event: CommunityEvent; canAnswer: boolean; onChange(t: Thread): void }) {
  const { t, tn, formatDate } = useI18n();
  const { api } = useApp();
  const errorText = useErrorText();
  const ev = props.event;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = `event-${props.thread.id}`;
  const answer = async (status: RsvpStatus) => {
    setBusy(true);
    setError(null);
    try {
      // Choosing the answer I already gave withdraws it.
      props.onChange(await api.community.rsvp(props.thread.id, ev.my_rsvp === status ? null : status));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="event" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} class="small-heading">
        {t('event.title')}
      </h2>
      <dl class="event-facts">
        <dt>{t('event.when')}</dt>
        <dd>
          <time dateTime={ev.starts_at}>{formatDate(ev.starts_at, { dateStyle: 'full', timeStyle: 'short' })}</time>
          {ev.ends_at && (
            <>
              {' – '}
              <time dateTime={ev.ends_at}>{formatDate(ev.ends_at, { dateStyle: 'full', timeStyle: 'short' })}</time>
            </>
          )}
        </dd>
        {(ev.location_name || ev.location_address) && (
          <>
            <dt>{t('event.where')}</dt>
            <dd>
              {ev.location_name && <span class="event-place">{ev.location_name}</span>}
              {ev.location_address && <span class="event-address">{ev.location_address}</span>}
            </dd>
          </>
        )}
      </dl>
      <p class="event-counts">
        {rsvpChoices.map((s) => tn(`event.count.${s}`, ev.rsvps[s] ?? 0)).join(' · ')}
      </p>
      {props.canAnswer && (
        <div class="segmented" role="group" aria-label={t('event.yourAnswer')}>
          {rsvpChoices.map((s) => (
            <button key={s} type="button" aria-pressed={ev.my_rsvp === s} disabled={busy} onClick={() => answer(s)}>
              {t(`event.answer.${s}`)}
            </button>
          ))}
        </div>
      )}
      <InlineError text={error} />
    </section>
  );
}
