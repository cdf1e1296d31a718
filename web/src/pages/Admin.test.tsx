import { cleanup, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { community } from '../test-fixtures';
import { jsonResponse, renderWith, routeFetch, session } from '../test-support';
import { Admin } from './Admin';

afterEach(cleanup);

describe('Admin', () => {
  it('lists the communities hosted here with their manager tools, and says what is still missing', async () => {
    const asked: string[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/communities': (url) => {
        asked.push(url);
        return jsonResponse([community({ visibility: 'private' })]);
      },
    });
    renderWith(<Admin />, { fetch, signedIn: { ...session, roles: { admin: true, manager: false } } });
    const section = await screen.findByRole('region', { name: 'Communities hosted here' });
    const row = (await within(section).findByRole('link', { name: 'Platform engineering' })).closest('li')!;
    expect(row.textContent).toContain('42 members · Private');
    expect(within(row).getByRole('link', { name: 'Manage' }).getAttribute('href')).toBe('/communities/platform/manage');
    expect(asked).toEqual(['/api/guildhall/v1/communities?scope=local&limit=40']);
    expect(screen.getByRole('heading', { name: 'Users, federation and reports' })).toBeTruthy();
  });
});
