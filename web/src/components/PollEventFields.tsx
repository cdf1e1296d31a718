// The composer's poll and event options: a thread is a plain thread, a poll (2 to 20 options, one
// or several choices, an optional end) or an event (start, optional end, place and address).
import { useEffect, useState } from 'preact/hooks';

import type { NewThread } from '../api';
import type { MessageKey } from '../i18n';
import { useI18n } from '../i18n';

export type ThreadKind = 'plain' | 'poll' | 'event';

export interface PollEventDraft {
  kind: ThreadKind;
  options: string[];
  multiple: boolean;
  pollEnds: string; // <input type="datetime-local"> values, in the person's time zone
  starts: string;
  ends: string;
  place: string;
  address: string;
}

export const emptyPollEventDraft: PollEventDraft = {
  kind: 'plain',
  options: ['', ''],
  multiple: false,
  pollEnds: '',
  starts: '',
  ends: '',
  place: '',
  address: '',
};

const maxOptions = 20;

// A datetime-local value as an RFC 3339 instant (the browser reads it in the local time zone).
const instant = (local: string) => new Date(local).toISOString();

// The poll or event part of a new thread, or the message key of what is missing.
export function pollEventInput(draft: PollEventDraft, now = new Date()): Pick<NewThread, 'poll' | 'event'> | MessageKey {
  if (draft.kind === 'poll') {
    const options = draft.options.map((o) => o.trim()).filter(Boolean);
    if (options.length < 2) return 'composer.pollOptionsMissing';
    if (new Set(options).size !== options.length) return 'composer.pollOptionsRepeat';
    if (draft.pollEnds && new Date(draft.pollEnds) <= now) return 'composer.pollEndsPast';
    return { poll: { options, multiple: draft.multiple, ...(draft.pollEnds ? { ends_at: instant(draft.pollEnds) } : {}) } };
  }
  if (draft.kind === 'event') {
    if (!draft.starts) return 'composer.eventStartMissing';
    if (draft.ends && new Date(draft.ends) < new Date(draft.starts)) return 'composer.eventEndsBeforeStart';
    return {
      event: {
        starts_at: instant(draft.starts),
        ...(draft.ends ? { ends_at: instant(draft.ends) } : {}),
        ...(draft.place.trim() ? { location_name: draft.place.trim() } : {}),
        ...(draft.address.trim() ? { location_address: draft.address.trim() } : {}),
      },
    };
  }
  return {};
}

export function PollEventFields(props: { draft: PollEventDraft; onChange(d: PollEventDraft): void }) {
  const { t } = useI18n();
  const d = props.draft;
  const set = (changes: Partial<PollEventDraft>) => props.onChange({ ...d, ...changes });
  // After adding or removing an option, the keyboard stays in the list: on the new option, or on
  // the one before the removed one.
  const [focusOption, setFocusOption] = useState<number | null>(null);
  useEffect(() => {
    if (focusOption === null) return;
    document.getElementById(`poll-option-${focusOption}`)?.focus();
    setFocusOption(null);
  }, [focusOption]);

  const kinds: [ThreadKind, MessageKey][] = [
    ['plain', 'composer.kindPlain'],
    ['poll', 'composer.kindPoll'],
    ['event', 'composer.kindEvent'],
  ];
  return (
    <>
      <fieldset class="choices">
        <legend>{t('composer.kind')}</legend>
        <div class="kind-choices">
          {kinds.map(([kind, label]) => (
            <div class="field-check compact" key={kind}>
              <input id={`thread-kind-${kind}`} type="radio" name="thread-kind" checked={d.kind === kind} onChange={() => set({ kind })} />
              <label for={`thread-kind-${kind}`}>{t(label)}</label>
            </div>
          ))}
        </div>
      </fieldset>

      {d.kind === 'poll' && (
        <fieldset class="choices">
          <legend>{t('composer.pollOptions')}</legend>
          <ol class="poll-option-inputs">
            {d.options.map((option, i) => (
              <li key={i} class="input-row">
                <label class="visually-hidden" for={`poll-option-${i}`}>
                  {t('composer.pollOption', { n: i + 1 })}
                </label>
                <input
                  id={`poll-option-${i}`}
                  value={option}
                  maxLength={200}
                  placeholder={t('composer.pollOption', { n: i + 1 })}
                  onInput={(e) => set({ options: d.options.map((o, j) => (j === i ? e.currentTarget.value : o)) })}
                />
                {d.options.length > 2 && (
                  <button
                    type="button"
                    class="button button-quiet"
                    aria-label={t('composer.pollRemoveOption', { n: i + 1 })}
                    onClick={() => {
                      set({ options: d.options.filter((_, j) => j !== i) });
                      setFocusOption(Math.max(0, i - 1));
                    }}
                  >
                    ✕
                  </button>
                )}
              </li>
            ))}
          </ol>
          {d.options.length < maxOptions && (
            <button
              type="button"
              class="button"
              onClick={() => {
                set({ options: [...d.options, ''] });
                setFocusOption(d.options.length);
              }}
            >
              {t('composer.pollAddOption')}
            </button>
          )}
          <div class="field-check">
            <input id="poll-multiple" type="checkbox" checked={d.multiple} onChange={(e) => set({ multiple: e.currentTarget.checked })} />
            <label for="poll-multiple">{t('composer.pollMultiple')}</label>
          </div>
          <div class="field">
            <label for="poll-ends">{t('composer.pollEnds')}</label>
            <input id="poll-ends" type="datetime-local" value={d.pollEnds} aria-describedby="poll-ends-help" onInput={(e) => set({ pollEnds: e.currentTarget.value })} />
            <p class="help" id="poll-ends-help">
              {t('composer.pollEndsHelp')}
            </p>
          </div>
        </fieldset>
      )}

      {d.kind === 'event' && (
        <fieldset class="choices">
          <legend>{t('composer.eventDetails')}</legend>
          <div class="two-columns">
            <div class="field">
              <label for="event-starts">{t('composer.eventStarts')}</label>
              <input id="event-starts" type="datetime-local" required value={d.starts} onInput={(e) => set({ starts: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for="event-ends">{t('composer.eventEnds')}</label>
              <input id="event-ends" type="datetime-local" value={d.ends} onInput={(e) => set({ ends: e.currentTarget.value })} />
            </div>
          </div>
          <div class="field">
            <label for="event-place">{t('composer.eventPlace')}</label>
            <input id="event-place" value={d.place} maxLength={200} onInput={(e) => set({ place: e.currentTarget.value })} />
          </div>
          <div class="field">
            <label for="event-address">{t('composer.eventAddress')}</label>
            <input id="event-address" value={d.address} maxLength={500} autoComplete="street-address" onInput={(e) => set({ address: e.currentTarget.value })} />
          </div>
        </fieldset>
      )}
    </>
  );
}
