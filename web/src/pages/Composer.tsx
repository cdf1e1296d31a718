// The composer for a titled thread: title, Markdown body with preview, attachments with their
// descriptions, language, question flag, and a poll or an event.
import { useLocation, useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';

import type { Community } from '../api';
import { AttachmentPicker, missingDescriptions, type PickedFile } from '../components/AttachmentPicker';
import { communityPath, threadPath, useLanguageNames } from '../components/community';
import { MarkdownField } from '../components/Markdown';
import { Page } from '../components/page';
import { emptyPollEventDraft, PollEventFields, pollEventInput } from '../components/PollEventFields';
import { FormActions, FormError, Loaded, useErrorMessage } from '../components/states';
import { useI18n } from '../i18n';
import { useApp } from '../session';
import { useCommunity } from './CommunityPage';

// Offered when a community accepts any language.
export const commonLanguages = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pl', 'pt', 'sv', 'da', 'fi', 'cs', 'ja', 'zh'];

export function LanguagePicker(props: { id: string; value: string; onChange(v: string): void; allowed: string[] }) {
  const { t } = useI18n();
  const names = useLanguageNames();
  const codes = props.allowed.length ? props.allowed : commonLanguages;
  const labels = names(codes);
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
      {props.allowed.length === 0 && <option value="">{t('composer.languageUnset')}</option>}
      {codes.map((c, i) => (
        <option key={c} value={c}>
          {labels[i]}
        </option>
      ))}
    </select>
  );
}

export function Composer(props: { acct?: string }) {
  const { params } = useRoute();
  const { t } = useI18n();
  const { state, load } = useCommunity(decodeURIComponent(props.acct ?? params?.acct ?? ''));
  const title = state.phase === 'ready' ? t('composer.titleIn', { community: state.data.title }) : t('composer.title');
  return (
    <Page title={title}>
      <Loaded state={state} reload={load}>
        {(community) => <ComposerForm community={community} />}
      </Loaded>
    </Page>
  );
}

function ComposerForm(props: { community: Community }) {
  const { t, locale } = useI18n();
  const { api } = useApp();
  const { route } = useLocation();
  const errorMessage = useErrorMessage();
  const c = props.community;
  const defaultLanguage = c.languages.length ? (c.languages.includes(locale) ? locale : c.languages[0]) : locale;
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [language, setLanguage] = useState(defaultLanguage);
  const [question, setQuestion] = useState(false);
  const [pollEvent, setPollEvent] = useState(emptyPollEventDraft);
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; detail: string | null } | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!title.trim() || (!body.trim() && files.length === 0)) {
      setError({ message: t('composer.missing'), detail: null });
      return;
    }
    const undescribed = missingDescriptions(files);
    if (undescribed.length > 0) {
      setError({ message: t('composer.altMissing'), detail: null });
      document.getElementById(`thread-files-alt-${undescribed[0].key}`)?.focus();
      return;
    }
    const extras = pollEventInput(pollEvent);
    if (typeof extras === 'string') {
      setError({ message: t(extras), detail: null });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // Uploaded in order, then attached: an upload never posted is deleted by the server later.
      const mediaIds: string[] = [];
      for (const picked of files)
        mediaIds.push((await api.mastodon.uploadMedia(picked.file, picked.description.trim() || undefined)).id);
      const thread = await api.community.createThread(c.id, {
        title: title.trim(),
        body,
        language: language || undefined,
        question,
        ...extras,
        ...(mediaIds.length > 0 ? { media_ids: mediaIds } : {}),
      });
      route(threadPath(thread));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  if (c.me && !c.me.can_post)
    return (
      <div class="card">
        <p>{t('composer.cannotPost')}</p>
        <a href={communityPath(c)}>{t('composer.back', { community: c.title })}</a>
      </div>
    );

  return (
    <form class="card form" onSubmit={submit} noValidate>
      <div class="field">
        <label for="thread-title">{t('composer.threadTitle')}</label>
        <input id="thread-title" value={title} maxLength={200} required onInput={(e) => setTitle(e.currentTarget.value)} />
      </div>
      <MarkdownField id="thread-body" label={t('composer.body')} value={body} onInput={setBody} rows={10} required />
      <AttachmentPicker id="thread-files" items={files} onChange={setFiles} />
      <div class="field">
        <label for="thread-language">{t('composer.language')}</label>
        <LanguagePicker id="thread-language" value={language} onChange={setLanguage} allowed={c.languages} />
      </div>
      <div class="field field-check">
        <input id="thread-question" type="checkbox" checked={question} onChange={(e) => setQuestion(e.currentTarget.checked)} aria-describedby="thread-question-help" />
        <label for="thread-question">{t('composer.question')}</label>
        <p class="help" id="thread-question-help">
          {t('composer.questionHelp')}
        </p>
      </div>
      <PollEventFields draft={pollEvent} onChange={setPollEvent} />
      <FormError error={error} />
      <FormActions submit={t('composer.post')} busy={busy} busyLabel={t('composer.posting')} />
      <a href={communityPath(c)}>{t('composer.cancel')}</a>
    </form>
  );
}
