// Reactions on a thread or comment: like (a vote), emoji reactions with counts, and a picker.
import { useState } from 'preact/hooks';

import type { Reactions } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../session';
import { InlineError, useErrorMessage } from './states';

export const emojiChoices = ['👍', '🎉', '❤️', '😄', '👀', '🚀', '🙏', '💡'];

export function ReactionBar(props: { postId: string; reactions: Reactions; label: string; disabled?: boolean; onChange(r: Reactions): void }) {
  const { t, tn, formatNumber } = useI18n();
  const { api } = useApp();
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState(false);
  const [picker, setPicker] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const r = props.reactions;

  const run = async (call: () => Promise<Reactions>) => {
    setBusy(true);
    setError(null);
    try {
      props.onChange(await call());
    } catch (e) {
      setError(errorMessage(e).message);
    } finally {
      setBusy(false);
    }
  };
  const liked = r.my_vote === 'like';
  const toggleEmoji = (emoji: string) => {
    const mine = r.emoji.find((e) => e.emoji === emoji)?.me;
    setPicker(false);
    return run(() => (mine ? api.community.unreact(props.postId, 'emoji', emoji) : api.community.react(props.postId, 'emoji', emoji)));
  };

  return (
    <div class="reactions" role="group" aria-label={t('reactions.label', { post: props.label })}>
      <button
        type="button"
        class="chip"
        aria-pressed={liked}
        disabled={busy || props.disabled}
        onClick={() => run(() => (liked ? api.community.unreact(props.postId, 'like') : api.community.react(props.postId, 'like')))}
      >
        <span aria-hidden="true">👍 </span>
        {liked ? t('reactions.liked') : t('reactions.like')} <span class="count">{tn('reactions.likes', r.likes)}</span>
      </button>
      {r.emoji.map((e) => (
        <button
          key={e.emoji}
          type="button"
          class="chip"
          aria-pressed={e.me ?? false}
          disabled={busy || props.disabled}
          aria-label={tn('reactions.emojiCount', e.count, { emoji: e.emoji })}
          onClick={() => toggleEmoji(e.emoji)}
        >
          {e.emoji} {formatNumber(e.count)}
        </button>
      ))}
      <button
        type="button"
        class="chip"
        aria-expanded={picker}
        disabled={busy || props.disabled}
        onClick={() => setPicker(!picker)}
      >
        {t('reactions.add')}
      </button>
      {picker && (
        <div class="emoji-picker" role="group" aria-label={t('reactions.pick')}>
          {emojiChoices.map((emoji) => (
            <button key={emoji} type="button" class="chip" aria-label={t('reactions.reactWith', { emoji })} onClick={() => toggleEmoji(emoji)}>
              {emoji}
            </button>
          ))}
        </div>
      )}
      <InlineError text={error} />
    </div>
  );
}
