import { cleanup, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import type { Status } from '../api';
import { renderWith, routeFetch, session } from '../test-support';
import { StatusCard } from './StatusCard';

afterEach(cleanup);

const base: Status = {
  id: '7',
  uri: 'http://guild.test/users/alice/statuses/7',
  url: null,
  created_at: '2026-03-01T09:30:00.000Z',
  edited_at: '2026-03-01T10:00:00.000Z',
  account: session.account,
  content: '<p>Spoilers for the <em>quarterly</em> results</p>',
  visibility: 'public',
  sensitive: true,
  spoiler_text: 'Q1 numbers',
  media_attachments: [
    { id: 'm1', type: 'image', url: '/m/1.png', preview_url: null, description: 'Chart' },
    { id: 'm2', type: 'image', url: '/m/2.png', preview_url: null, description: null },
  ],
  mentions: [],
  tags: [],
  emojis: [],
  reblogs_count: 0,
  favourites_count: 1,
  replies_count: 0,
  in_reply_to_id: null,
  in_reply_to_account_id: null,
  reblog: null,
  language: 'de',
};

describe('StatusCard', () => {
  it('hides content behind its warning and shows counts, edits and times in the UI language', () => {
    renderWith(<StatusCard status={base} now={new Date('2026-03-03T09:30:00Z')} />, {
      fetch: routeFetch({}),
      locale: 'de',
    });
    const summary = screen.getByText('Inhaltswarnung: Q1 numbers');
    expect(summary.tagName).toBe('SUMMARY');
    expect(summary.closest('details')?.open).toBe(false);
    expect(screen.getByText('quarterly').closest('[lang]')?.getAttribute('lang')).toBe('de');
    expect(screen.getByText('0 Antworten')).toBeTruthy();
    expect(screen.getByText('1 Gefällt mir')).toBeTruthy();
    expect(screen.getByText('2 Anhänge')).toBeTruthy();
    expect(screen.getByText(/bearbeitet/)).toBeTruthy();
    const time = screen.getByText('vorgestern');
    expect(time.getAttribute('datetime')).toBe('2026-03-01T09:30:00.000Z');
    expect(time.getAttribute('title')).toMatch(/^01\.03\.2026/);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Alice @alice');
  });
});
