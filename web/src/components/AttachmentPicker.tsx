// The composer's attachments: files picked, each with a preview and its description (alt text),
// uploaded when the post is sent (docs/api.md, "Media"). The server judges the type from the
// bytes; `accept` only narrows the browser's file dialog.
import { useEffect, useRef } from 'preact/hooks';

import { useI18n } from '../i18n';

export interface PickedFile {
  key: number;
  file: File;
  description: string;
  preview: string | null; // an object URL for images
}

export const maxAttachments = 4;
const acceptedTypes =
  'image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm,audio/mpeg,audio/ogg,audio/wav,application/pdf';

export const isImage = (file: File) => file.type.startsWith('image/');

let nextKey = 1;

// The files added to `current`, up to maxAttachments.
export function addFiles(current: PickedFile[], files: Iterable<File>): PickedFile[] {
  const out = [...current];
  for (const file of files) {
    if (out.length >= maxAttachments) break;
    const preview = isImage(file) && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null;
    out.push({ key: nextKey++, file, description: '', preview });
  }
  return out;
}

// Images without a description: the composer asks for one before posting.
export const missingDescriptions = (items: PickedFile[]) =>
  items.filter((item) => isImage(item.file) && !item.description.trim());

function release(item: PickedFile) {
  if (item.preview && typeof URL.revokeObjectURL === 'function') URL.revokeObjectURL(item.preview);
}

export function AttachmentPicker(props: { id: string; items: PickedFile[]; onChange(items: PickedFile[]): void }) {
  const { t } = useI18n();
  const { id, items, onChange } = props;
  // Previews are released when the composer goes away.
  const current = useRef(items);
  current.current = items;
  useEffect(() => () => current.current.forEach(release), []);

  const update = (key: number, description: string) =>
    onChange(items.map((item) => (item.key === key ? { ...item, description } : item)));
  const remove = (key: number) => {
    items.filter((item) => item.key === key).forEach(release);
    onChange(items.filter((item) => item.key !== key));
  };

  return (
    <fieldset class="field attachment-picker">
      <legend>{t('composer.attachments')}</legend>
      <label for={id}>{t('composer.attach')}</label>
      <input
        id={id}
        type="file"
        multiple
        accept={acceptedTypes}
        disabled={items.length >= maxAttachments}
        aria-describedby={`${id}-help`}
        onChange={(e) => {
          const input = e.currentTarget;
          if (input.files) onChange(addFiles(items, Array.from(input.files)));
          input.value = '';
        }}
      />
      <p class="help" id={`${id}-help`}>
        {t('composer.attachHelp', { max: maxAttachments })}
      </p>
      {items.length > 0 && (
        <ul class="picked-files">
          {items.map((item) => (
            <li key={item.key}>
              {item.preview ? <img src={item.preview} alt="" /> : <span class="picked-name">{item.file.name}</span>}
              <div class="field">
                <label for={`${id}-alt-${item.key}`}>{t('composer.altText', { name: item.file.name })}</label>
                <input
                  id={`${id}-alt-${item.key}`}
                  value={item.description}
                  maxLength={1500}
                  required={isImage(item.file)}
                  aria-describedby={`${id}-alt-help`}
                  onInput={(e) => update(item.key, e.currentTarget.value)}
                />
              </div>
              <button type="button" class="button-secondary" onClick={() => remove(item.key)}>
                {t('composer.remove', { name: item.file.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {items.length > 0 && (
        <p class="help" id={`${id}-alt-help`}>
          {t('composer.altHelp')}
        </p>
      )}
    </fieldset>
  );
}
