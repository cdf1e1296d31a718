import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { jsonResponse, renderWith, routeFetch } from '../test-support';
import { Settings } from './Settings';

afterEach(cleanup);

const allOn = { mention: true, reply: true, reaction: true, boost: true, follow: true, membership: true, report: true };

describe('Settings', () => {
  it('turns a notification category off and keeps what the server stored', async () => {
    const patches: unknown[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/account/notification_preferences': (_url, init) => {
        if (init?.method !== 'PATCH') return jsonResponse(allOn);
        const body = JSON.parse(String(init.body));
        patches.push(body);
        return patches.length === 1 ? jsonResponse({ error: 'unknown notification category: x' }, 422) : jsonResponse({ ...allOn, ...body });
      },
    });
    renderWith(<Settings />, { fetch, locale: 'de' });
    const replies = (await screen.findByLabelText('Antworten')) as HTMLInputElement;
    expect(replies.checked).toBe(true);
    fireEvent.click(replies);
    fireEvent.click(screen.getByRole('button', { name: 'Benachrichtigungen speichern' }));
    // A 422 shows the server's words in the form.
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('unknown notification category: x');
    fireEvent.click(screen.getByRole('button', { name: 'Benachrichtigungen speichern' }));
    expect(await screen.findByText('Gespeichert.')).toBeTruthy();
    expect(patches[1]).toEqual({ ...allOn, reply: false });
    expect((screen.getByLabelText('Antworten') as HTMLInputElement).checked).toBe(false);
  });

  it('offers the community categories: join decisions and reports', async () => {
    const patches: unknown[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/account/notification_preferences': (_url, init) => {
        if (init?.method !== 'PATCH') return jsonResponse(allOn);
        patches.push(JSON.parse(String(init.body)));
        return jsonResponse({ ...allOn, report: false });
      },
    });
    renderWith(<Settings />, { fetch });
    expect(((await screen.findByLabelText('Community membership')) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByLabelText('Reports'));
    fireEvent.click(screen.getByRole('button', { name: 'Save notification settings' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(patches).toEqual([{ ...allOn, report: false }]);
  });

  it('changes the password: checks the repeat, shows a wrong current password, then how many sessions ended', async () => {
    const sent: unknown[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/account/notification_preferences': () => jsonResponse(allOn),
      '/api/guildhall/v1/account/password': (_url, init) => {
        const body = JSON.parse(String(init?.body));
        sent.push(body);
        return body.current_password === 'old password'
          ? jsonResponse({ revoked_sessions: 2 })
          : jsonResponse({ error: 'The current password is wrong' }, 422);
      },
    });
    renderWith(<Settings />, { fetch });
    const fill = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });
    await screen.findByLabelText('Current password');
    fill('Current password', 'not it');
    fill('New password', 'a new passphrase');
    fill('Repeat the new password', 'a new passphrase!');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The two new passwords differ.');
    expect(sent).toEqual([]);
    fill('Repeat the new password', 'a new passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('The current password is wrong'));
    fill('Current password', 'old password');
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    const done = await screen.findByText('Password changed. 2 other sessions were signed out.');
    expect(document.activeElement).toBe(done);
    expect(sent[1]).toEqual({ current_password: 'old password', new_password: 'a new passphrase' });
    expect((screen.getByLabelText('Current password') as HTMLInputElement).value).toBe('');
  });
});
