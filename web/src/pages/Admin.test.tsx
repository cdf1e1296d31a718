import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { community } from '../test-fixtures';
import { jsonResponse, renderWith, routeFetch, session } from '../test-support';
import { Admin } from './Admin';

afterEach(cleanup);

const admin = { ...session, roles: { admin: true, manager: false } };

// Every write the page makes: method, URL and JSON body.
function server(routes: Record<string, (url: string, init?: RequestInit) => Response>) {
  const writes: [string, string, unknown][] = [];
  const fetch = routeFetch(
    Object.fromEntries(
      Object.entries(routes).map(([path, handler]) => [
        path,
        (url: string, init?: RequestInit) => {
          if (init?.method && init.method !== 'GET') writes.push([init.method, url, init.body ? JSON.parse(String(init.body)) : undefined]);
          return handler(url, init);
        },
      ]),
    ),
  );
  return { fetch, writes };
}

async function click(name: string | RegExp, scope: HTMLElement = document.body) {
  const button = (await within(scope).findByRole('button', { name })) as HTMLButtonElement;
  await waitFor(() => expect(button.disabled).toBe(false));
  fireEvent.click(button);
}

const account = (id: string, username: string, extra: object = {}) => ({
  id,
  username,
  domain: null,
  created_at: '2026-01-01T00:00:00.000Z',
  email: `${username}@acme.example`,
  role: { name: '' },
  disabled: false,
  silenced: false,
  suspended: false,
  account: { ...session.account, id, username, acct: username, display_name: username[0].toUpperCase() + username.slice(1) },
  ...extra,
});

const settings = {
  title: 'Acme Guildhall',
  description: 'Where teams meet',
  contact_email: 'it@acme.example',
  registrations: 'closed',
  federation_mode: 'blocklist',
  updated_at: null,
};

describe('Admin', () => {
  it('finds people and suspends one only after confirming, then lifts it', async () => {
    let carol = account('7', 'carol');
    const asked: string[] = [];
    const { fetch, writes } = server({
      '/api/v2/admin/accounts': (url) => {
        asked.push(url);
        return jsonResponse([account('1', 'alice', { role: { name: 'Admin' } }), carol]);
      },
      '/api/v1/admin/accounts/7/action': () => {
        carol = account('7', 'carol', { suspended: true });
        return jsonResponse({});
      },
      '/api/v1/admin/accounts/7/unsuspend': () => {
        carol = account('7', 'carol');
        return jsonResponse(carol);
      },
    });
    renderWith(<Admin tab="people" />, { fetch, signedIn: admin });
    const section = await screen.findByRole('region', { name: 'People' });
    await within(section).findByText('Carol');
    // Nobody suspends themselves: alice (the signed-in admin) has no button.
    expect(within(section).queryByRole('button', { name: 'Suspend Alice' })).toBeNull();

    fireEvent.input(screen.getByLabelText('Search by user name'), { target: { value: 'car' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(asked.at(-1)).toBe('/api/v2/admin/accounts?origin=local&username=car&limit=40'));

    await click('Suspend Carol', section);
    expect(writes).toEqual([]);  // asked first
    const confirm = await within(section).findByRole('group', { name: 'Suspend Carol?' });
    expect(confirm.textContent).toContain('signed out everywhere');
    await click('Yes, suspend Carol', confirm);
    await waitFor(() => expect(writes).toEqual([['POST', '/api/v1/admin/accounts/7/action', { type: 'suspend' }]]));
    await click('Lift suspension of Carol', section);
    await waitFor(() => expect(writes.at(-1)?.[1]).toBe('/api/v1/admin/accounts/7/unsuspend'));
  });

  it('switches the federation mode, allows and blocks partners and shows the instances met', async () => {
    let current = { ...settings };
    const allows = [{ id: '11', domain: 'partner.example', created_at: '2026-01-01T00:00:00.000Z' }];
    const { fetch, writes } = server({
      '/api/guildhall/v1/admin/instance': (_url, init) => {
        if (init?.method === 'PATCH') current = { ...current, ...JSON.parse(String(init.body)) };
        return jsonResponse(current);
      },
      '/api/v1/admin/domain_allows': () => jsonResponse(allows),
      '/api/v1/admin/domain_blocks': () => jsonResponse([]),
      '/api/guildhall/v1/admin/instances': () =>
        jsonResponse([
          { id: '11', domain: 'partner.example', software: 'mastodon', version: '4.3.0', policy: 'allow', allowed: true, first_seen_at: '2026-01-01T00:00:00.000Z' },
          { id: '12', domain: 'lemmy.example', software: null, version: null, policy: 'none', allowed: false, first_seen_at: '2026-01-01T00:00:00.000Z' },
        ]),
    });
    renderWith(<Admin tab="federation" />, { fetch, signedIn: admin });
    const blocklist = (await screen.findByLabelText('Everyone except blocked instances')) as HTMLInputElement;
    expect(blocklist.checked).toBe(true);
    fireEvent.click(screen.getByLabelText('Partners only'));
    await waitFor(() => expect(writes).toContainEqual(['PATCH', '/api/guildhall/v1/admin/instance', { federation_mode: 'allowlist' }]));
    await waitFor(() => expect((screen.getByLabelText('Partners only') as HTMLInputElement).checked).toBe(true));

    const partners = screen.getByRole('region', { name: 'Partners (allowed)' });
    await within(partners).findByText('partner.example');
    fireEvent.input(screen.getByLabelText('Instance'), { target: { value: 'Friends.Example' } });
    await click('Allow');
    await waitFor(() => expect(writes).toContainEqual(['POST', '/api/v1/admin/domain_allows', { domain: 'friends.example' }]));
    await waitFor(() => expect((screen.getByLabelText('Instance') as HTMLInputElement).value).toBe(''));  // added
    fireEvent.input(screen.getByLabelText('Instance'), { target: { value: 'spam.example' } });
    await click('Block');
    await waitFor(() => expect(writes).toContainEqual(['POST', '/api/v1/admin/domain_blocks', { domain: 'spam.example' }]));
    await click('Remove the rule for partner.example', partners);
    await waitFor(() => expect(writes).toContainEqual(['DELETE', '/api/v1/admin/domain_allows/11', undefined]));

    const table = within(screen.getByRole('region', { name: 'Instances met' })).getByRole('table');
    const row = within(table).getByRole('rowheader', { name: 'partner.example' }).closest('tr')!;
    expect(row.textContent).toContain('mastodon 4.3.0');
    expect(row.textContent).toContain('federating');
    expect(within(table).getByRole('rowheader', { name: 'lemmy.example' }).closest('tr')!.textContent).toContain('unknown');
  });

  it('resolves reports from the instance-wide queue', async () => {
    const report = {
      id: '31',
      action_taken: false,
      action_taken_at: null,
      comment: 'off topic',
      forwarded: false,
      created_at: '2026-01-01T00:00:00.000Z',
      account: account('7', 'carol'),
      target_account: account('1', 'alice'),
      assigned_account: null,
      action_taken_by_account: null,
      statuses: [],
      community: { id: '5', handle: 'garden', acct: 'garden', display_name: 'Garden' },
    };
    const asked: string[] = [];
    const { fetch, writes } = server({
      '/api/v1/admin/reports/31/resolve': () => jsonResponse({ ...report, action_taken: true }),
      '/api/v1/admin/reports': (url) => {
        asked.push(url);
        return jsonResponse([report]);
      },
    });
    renderWith(<Admin tab="reports" />, { fetch, signedIn: admin });
    const section = await screen.findByRole('region', { name: 'Reports' });
    await within(section).findByText('Reported for: off topic');
    expect(section.textContent).toContain('In Garden');
    expect(section.textContent).toContain('about @alice');
    expect(asked[0]).toBe('/api/v1/admin/reports?resolved=false&limit=40');
    await click('Mark resolved: the report “off topic”', section);
    await waitFor(() => expect(writes).toEqual([['POST', '/api/v1/admin/reports/31/resolve', {}]]));
    fireEvent.click(within(section).getByRole('button', { name: 'Resolved' }));
    await waitFor(() => expect(asked.at(-1)).toBe('/api/v1/admin/reports?resolved=true&limit=40'));
  });

  it('edits the instance settings, in German too', async () => {
    const { fetch, writes } = server({
      '/api/guildhall/v1/admin/instance': (_url, init) =>
        jsonResponse(init?.method === 'PATCH' ? { ...settings, ...JSON.parse(String(init.body)) } : settings),
    });
    renderWith(<Admin tab="settings" />, { fetch, signedIn: admin, locale: 'de' });
    const title = (await screen.findByLabelText('Name der Instanz')) as HTMLInputElement;
    expect(title.value).toBe('Acme Guildhall');
    fireEvent.input(title, { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Einstellungen speichern' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Geben Sie der Instanz einen Namen.');
    expect(writes).toEqual([]);
    fireEvent.input(title, { target: { value: 'Acme Gilde' } });
    fireEvent.change(screen.getByLabelText('Registrierung'), { target: { value: 'approval' } });
    fireEvent.click(screen.getByRole('button', { name: 'Einstellungen speichern' }));
    await waitFor(() =>
      expect(writes).toEqual([
        [
          'PATCH',
          '/api/guildhall/v1/admin/instance',
          { title: 'Acme Gilde', description: 'Where teams meet', contact_email: 'it@acme.example', registrations: 'approval' },
        ],
      ]),
    );
    expect(await screen.findByText('Gespeichert.')).toBeTruthy();
  });

  it('lists the communities hosted here with their manager tools', async () => {
    const asked: string[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/communities': (url) => {
        asked.push(url);
        return jsonResponse([community({ visibility: 'private' })]);
      },
    });
    renderWith(<Admin tab="communities" />, { fetch, signedIn: admin });
    const section = await screen.findByRole('region', { name: 'Communities hosted here' });
    const row = (await within(section).findByRole('link', { name: 'Platform engineering' })).closest('li')!;
    expect(row.textContent).toContain('42 members · Private');
    expect(within(row).getByRole('link', { name: 'Manage' }).getAttribute('href')).toBe('/communities/platform/manage');
    expect(asked).toEqual(['/api/guildhall/v1/communities?scope=local&limit=40']);
    const tabs = screen.getByRole('navigation', { name: 'Administration sections' });
    expect(within(tabs).getByRole('link', { name: 'Communities' }).getAttribute('aria-current')).toBe('page');
  });
});
