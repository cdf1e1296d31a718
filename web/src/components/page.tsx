// A page's heading and the document title, so screen readers and tabs say where you are.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

import { useI18n } from '../i18n';
import { useInstanceName } from '../session';

export function usePageTitle(page: string) {
  const { t } = useI18n();
  const instance = useInstanceName();
  useEffect(() => {
    document.title = t('app.pageTitle', { page, instance });
  }, [page, t, instance]);
}

export function Page(props: { title: string; intro?: string; children?: ComponentChildren }) {
  usePageTitle(props.title);
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <h1 id="page-title">{props.title}</h1>
        {props.intro && <p class="intro">{props.intro}</p>}
      </header>
      {props.children}
    </section>
  );
}
