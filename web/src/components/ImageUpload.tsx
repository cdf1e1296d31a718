// An image setting in its own form, so it never sends the page's other fields: the current image,
// the chosen file previewed before it is sent, the upload, and removal where the API has it. The
// profile's picture and header (settings) and a community's icon and banner (manager tools).
import { useEffect, useMemo, useState } from 'preact/hooks';

import { useI18n, type MessageKey } from '../i18n';
import { FormError, useSaving } from './states';

// The messages of one use, under one prefix: `${prefix}` (the heading), `…Current` (the current
// image's text), `…Choose`, `…Help`, `…Upload`, `…Saved`, `…Remove`, `…Removed`.
type ImageMessages = 'settings.avatar' | 'settings.header' | 'manage.icon' | 'manage.banner';

export function ImageUpload(props: {
  id: string;
  messages: ImageMessages;
  // square: cropped by the server (avatar, icon); banner: wide (header, community banner).
  shape: 'square' | 'banner';
  current: string | null;
  upload(file: File): Promise<unknown>;
  remove?(): Promise<unknown>;
}) {
  const { t } = useI18n();
  const m = (suffix: string) => t(`${props.messages}${suffix}` as MessageKey);
  const saving = useSaving();
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState<'Saved' | 'Removed'>('Saved');
  // The chosen file as a blob: URL (the CSP allows blob: images), released when replaced.
  const preview = useMemo(() => (file ? URL.createObjectURL(file) : null), [file]);
  useEffect(
    () => () => {
      if (preview) URL.revokeObjectURL(preview);
    },
    [preview],
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    const form = e.currentTarget as HTMLFormElement;
    setDone('Saved');
    if (await saving.run(() => props.upload(file))) {
      setFile(null);
      form.reset();
    }
  };
  const remove = () => {
    setDone('Removed');
    setFile(null);
    void saving.run(() => props.remove!());
  };

  const imageClass = props.shape === 'square' ? 'avatar-large' : 'banner-preview';
  const fileId = `${props.id}-file`;
  return (
    <form class="card form" onSubmit={submit} aria-labelledby={`${props.id}-heading`}>
      <h2 id={`${props.id}-heading`}>{m('')}</h2>
      {preview ? (
        <img class={imageClass} src={preview} alt={t('image.preview')} />
      ) : (
        props.current && <img class={imageClass} src={props.current} alt={m('Current')} />
      )}
      <div class="field">
        <label for={fileId}>{m('Choose')}</label>
        <input
          id={fileId}
          type="file"
          accept="image/jpeg,image/png,image/gif,image/webp"
          aria-describedby={`${props.id}-help`}
          onChange={(e) => {
            setFile(e.currentTarget.files?.[0] ?? null);
            saving.edited();
          }}
        />
        <p class="help" id={`${props.id}-help`}>
          {m('Help')}
        </p>
      </div>
      <FormError error={saving.error} />
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={!file || saving.phase === 'saving'}>
          {saving.phase === 'saving' ? t('image.saving') : m('Upload')}
        </button>
        {props.remove && props.current && (
          <button type="button" class="button" disabled={saving.phase === 'saving'} onClick={remove}>
            {m('Remove')}
          </button>
        )}
        <span role="status">{saving.phase === 'saved' ? m(done) : ''}</span>
      </div>
    </form>
  );
}
