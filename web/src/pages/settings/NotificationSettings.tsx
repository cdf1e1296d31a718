// Settings: which notifications I receive (GET/PATCH /api/guildhall/v1/account/notification_preferences).
// The server leaves the categories turned off out for every client, the Mastodon apps too.
import { useState } from 'preact/hooks';

import { notificationCategories, type NotificationPreferences } from '../../api';
import { FormError, Loaded, SaveActions, useSaving } from '../../components/states';
import { useLoad } from '../../hooks/useLoad';
import { useI18n } from '../../i18n';
import { useApp } from '../../session';

export function NotificationSettings() {
  const { t } = useI18n();
  const { api } = useApp();
  const { state, load, set } = useLoad(() => api.community.notificationPreferences(), [api]);
  return (
    <section class="card" aria-labelledby="settings-notifications">
      <h2 id="settings-notifications">{t('notificationPrefs.title')}</h2>
      <Loaded state={state} reload={load}>
        {(prefs) => <PreferencesForm saved={prefs} onSaved={set} />}
      </Loaded>
    </section>
  );
}

function PreferencesForm(props: { saved: NotificationPreferences; onSaved(p: NotificationPreferences): void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [prefs, setPrefs] = useState(props.saved);
  const saving = useSaving();
  const save = (e: Event) => {
    e.preventDefault();
    saving.run(async () => {
      const saved = await api.community.updateNotificationPreferences(prefs);
      setPrefs(saved);
      props.onSaved(saved);
    });
  };
  return (
    <form class="form" onSubmit={save}>
      <fieldset class="choices">
        <legend>{t('notificationPrefs.legend')}</legend>
        {notificationCategories.map((c) => (
          <div class="field-check" key={c}>
            <input
              id={`notify-${c}`}
              type="checkbox"
              checked={prefs[c]}
              aria-describedby={`notify-${c}-help`}
              onChange={(e) => {
                setPrefs({ ...prefs, [c]: e.currentTarget.checked });
                saving.edited();
              }}
            />
            <label for={`notify-${c}`}>{t(`notificationPrefs.${c}`)}</label>
            <p class="help" id={`notify-${c}-help`}>
              {t(`notificationPrefs.${c}Help`)}
            </p>
          </div>
        ))}
      </fieldset>
      <p class="help">{t('notificationPrefs.managers')}</p>
      <FormError error={saving.error} />
      <SaveActions phase={saving.phase} submit={t('notificationPrefs.save')} />
    </form>
  );
}
