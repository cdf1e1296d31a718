// Markdown with a preview tab, for threads, comments and community texts. The preview is rendered
// in the browser (marked) and sanitised (DOMPurify) only to show the author what they wrote; what
// readers see is the server's own rendering and allowlist (content/), sent back as HTML.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { useId, useMemo, useState } from 'preact/hooks';

import { useI18n } from '../i18n';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Raw HTML in the source is shown as text (the server's Markdown does not pass it either).
const markdown = new Marked({ gfm: true, breaks: false, renderer: { html: ({ text }) => escapeHtml(text) } });

export function renderPreview(source: string): string {
  const html = markdown.parse(source, { async: false }) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form'] });
}

export function MarkdownField(props: {
  id?: string;
  label: string;
  value: string;
  onInput(value: string): void;
  help?: string;
  rows?: number;
  required?: boolean;
  maxLength?: number;
}) {
  const { t } = useI18n();
  const generated = useId();
  const id = props.id ?? `md-${generated}`;
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const preview = useMemo(
    () => (tab === 'preview' ? renderPreview(props.value) : ''),
    [tab, props.value],
  );
  const helpId = `${id}-help`;
  return (
    <div class="field markdown-field">
      <div class="markdown-head">
        <label for={id}>{props.label}</label>
        <div class="segmented" role="group" aria-label={t('markdown.mode')}>
          <button type="button" aria-pressed={tab === 'write'} onClick={() => setTab('write')}>
            {t('markdown.write')}
          </button>
          <button type="button" aria-pressed={tab === 'preview'} onClick={() => setTab('preview')}>
            {t('markdown.preview')}
          </button>
        </div>
      </div>
      <textarea
        id={id}
        rows={props.rows ?? 6}
        value={props.value}
        required={props.required}
        maxLength={props.maxLength}
        hidden={tab === 'preview'}
        aria-describedby={helpId}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {tab === 'preview' && (
        <div class="markdown-preview" aria-live="polite" aria-label={t('markdown.previewOf', { label: props.label })} role="region">
          {props.value.trim() ? (
            <div class="status-content" dangerouslySetInnerHTML={{ __html: preview }} />
          ) : (
            <p class="help">{t('markdown.nothing')}</p>
          )}
        </div>
      )}
      <p class="help" id={helpId}>
        {props.help ?? t('markdown.help')}
      </p>
    </div>
  );
}
