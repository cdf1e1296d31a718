import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { community, thread } from '../test-fixtures';
import { jsonResponse, renderWith, routeFetch } from '../test-support';
import { Composer } from './Composer';

afterEach(cleanup);

const member = community({ me: { membership: 'member', role: 'member', can_post: true, can_manage: false, ban: null } });

describe('Composer', () => {
  it('previews Markdown and posts a titled question in a language the community accepts', async () => {
    const posted: unknown[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/communities/resolve': () => jsonResponse(member),
      '/api/guildhall/v1/communities/c1/threads': (_url, init) => {
        expect(init?.method).toBe('POST');
        posted.push(JSON.parse(String(init?.body)));
        return jsonResponse(thread('t7', 'How do we cache Conan?'));
      },
      '/api/guildhall/v1/communities/c1': () => jsonResponse(member),
    });
    renderWith(<Composer acct="platform" />, { fetch, locale: 'de' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Neuer Thread in Platform engineering' })).toBeTruthy();
    // The community accepts English and German: German is the default for a German UI.
    const language = screen.getByLabelText('Sprache') as HTMLSelectElement;
    expect([...language.options].map((o) => o.textContent)).toEqual(['Englisch', 'Deutsch']);
    expect(language.value).toBe('de');
    fireEvent.change(language, { target: { value: 'en' } });

    fireEvent.input(screen.getByLabelText('Titel'), { target: { value: 'How do we cache Conan?' } });
    fireEvent.input(screen.getByLabelText('Text'), { target: { value: 'We build **twice**.\n\n<script>alert(1)</script>' } });
    fireEvent.click(screen.getByRole('button', { name: 'Vorschau' }));
    const preview = screen.getByRole('region', { name: 'Vorschau von Text' });
    expect(preview.querySelector('strong')?.textContent).toBe('twice');
    expect(preview.querySelector('script')).toBeNull();
    expect(preview.textContent).toContain('<script>alert(1)</script>');
    fireEvent.click(screen.getByRole('button', { name: 'Schreiben' }));
    fireEvent.click(screen.getByLabelText('Das ist eine Frage'));
    fireEvent.click(screen.getByRole('button', { name: 'Thread veröffentlichen' }));

    await waitFor(() => expect(location.pathname).toBe('/threads/t7'));
    expect(posted).toEqual([
      { title: 'How do we cache Conan?', body: 'We build **twice**.\n\n<script>alert(1)</script>', language: 'en', question: true },
    ]);
  });

  it('asks for a title and text, and shows what the server refused', async () => {
    const fetch = routeFetch({
      '/api/guildhall/v1/communities/resolve': () => jsonResponse(member),
      '/api/guildhall/v1/communities/c1/threads': () => jsonResponse({ error: 'language: this community accepts en, de' }, 422),
      '/api/guildhall/v1/communities/c1': () => jsonResponse(member),
    });
    renderWith(<Composer acct="platform" />, { fetch });
    fireEvent.click(await screen.findByRole('button', { name: 'Post thread' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Please enter a title and a text.');
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'T' } });
    fireEvent.input(screen.getByLabelText('Text'), { target: { value: 'B' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('this community accepts en, de'));
  });

  it('uploads the picked files with their descriptions and attaches them', async () => {
    const uploads: FormData[] = [];
    const posted: unknown[] = [];
    const fetch = routeFetch({
      '/api/v2/media': (_url, init) => {
        uploads.push(init?.body as FormData);
        return jsonResponse({ id: `m${uploads.length}`, type: 'image', url: '/media/a.png', preview_url: '/media/a-small.png', description: null });
      },
      '/api/guildhall/v1/communities/resolve': () => jsonResponse(member),
      '/api/guildhall/v1/communities/c1/threads': (_url, init) => {
        posted.push(JSON.parse(String(init?.body)));
        return jsonResponse(thread('t8', 'Floor plan'));
      },
      '/api/guildhall/v1/communities/c1': () => jsonResponse(member),
    });
    renderWith(<Composer acct="platform" />, { fetch });
    await screen.findByRole('button', { name: 'Post thread' });
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Floor plan' } });
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'plan.png', { type: 'image/png' });
    const pdf = new File(['%PDF-1.7'], 'notes.pdf', { type: 'application/pdf' });
    fireEvent.change(screen.getByLabelText('Add images or files'), { target: { files: [png, pdf] } });
    expect(screen.getByRole('group', { name: 'Attachments' })).toBeTruthy();
    expect(screen.getByLabelText('Description of notes.pdf')).toBeTruthy();

    // An image needs its description before anything is uploaded.
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Please describe every image.');
    expect(uploads).toEqual([]);
    fireEvent.input(screen.getByLabelText('Description of plan.png'), { target: { value: 'The new floor plan' } });
    fireEvent.click(screen.getByRole('button', { name: 'Remove notes.pdf' }));
    expect(screen.queryByLabelText('Description of notes.pdf')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));

    await waitFor(() => expect(location.pathname).toBe('/threads/t8'));
    expect(uploads).toHaveLength(1);
    expect((uploads[0].get('file') as File).name).toBe('plan.png');
    expect(uploads[0].get('description')).toBe('The new floor plan');
    expect(posted).toEqual([{ title: 'Floor plan', body: '', language: 'en', question: false, media_ids: ['m1'] }]);
  });

  it('tells people who cannot post', async () => {
    const c = community({ posting_policy: 'moderators', me: { membership: 'member', role: 'member', can_post: false, can_manage: false, ban: null } });
    const fetch = routeFetch({
      '/api/guildhall/v1/communities/resolve': () => jsonResponse(c),
      '/api/guildhall/v1/communities/c1': () => jsonResponse(c),
    });
    renderWith(<Composer acct="platform" />, { fetch });
    expect(await screen.findByText('You cannot start threads in this community.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Post thread' })).toBeNull();
  });
  it('adds a poll with a third option and an end, and an event with a place', async () => {
    const posted: { poll?: unknown; event?: unknown }[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/communities/resolve': () => jsonResponse(member),
      '/api/guildhall/v1/communities/c1/threads': (_url, init) => {
        posted.push(JSON.parse(String(init?.body)));
        return jsonResponse(thread('t8', 'Lunch?'));
      },
      '/api/guildhall/v1/communities/c1': () => jsonResponse(member),
    });
    renderWith(<Composer acct="platform" />, { fetch });
    fireEvent.input(await screen.findByLabelText('Title'), { target: { value: 'Lunch?' } });
    fireEvent.input(screen.getByLabelText('Text'), { target: { value: 'Where do we go on Friday?' } });
    fireEvent.click(screen.getByLabelText('Poll'));
    fireEvent.input(screen.getByLabelText('Option 1'), { target: { value: 'Pizza' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    expect((await screen.findByRole('alert')).textContent).toBe('A poll needs at least two options.');
    fireEvent.input(screen.getByLabelText('Option 2'), { target: { value: 'Salad' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add an option' }));
    // The new option has the keyboard focus, ready for typing.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Option 3')));
    fireEvent.input(screen.getByLabelText('Option 3'), { target: { value: 'Soup' } });
    fireEvent.click(screen.getByLabelText('People may choose several options'));
    fireEvent.input(screen.getByLabelText('Voting ends (optional)'), { target: { value: '2099-12-01T12:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0].poll).toEqual({ options: ['Pizza', 'Salad', 'Soup'], multiple: true, ends_at: new Date('2099-12-01T12:00').toISOString() });
    expect(posted[0].event).toBeUndefined();
  });

  it('asks for the start of an event and sends its place and address', async () => {
    const posted: { poll?: unknown; event?: unknown }[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/communities/resolve': () => jsonResponse(member),
      '/api/guildhall/v1/communities/c1/threads': (_url, init) => {
        posted.push(JSON.parse(String(init?.body)));
        return jsonResponse(thread('t9', 'Meetup'));
      },
      '/api/guildhall/v1/communities/c1': () => jsonResponse(member),
    });
    renderWith(<Composer acct="platform" />, { fetch });
    fireEvent.input(await screen.findByLabelText('Title'), { target: { value: 'Meetup' } });
    fireEvent.input(screen.getByLabelText('Text'), { target: { value: 'Rust and pretzels.' } });
    fireEvent.click(screen.getByLabelText('Event'));
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Please give the start of the event.');
    fireEvent.input(screen.getByLabelText('Starts'), { target: { value: '2099-03-05T18:00' } });
    fireEvent.input(screen.getByLabelText('Ends (optional)'), { target: { value: '2099-03-05T17:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The event cannot end before it starts.');
    fireEvent.input(screen.getByLabelText('Ends (optional)'), { target: { value: '' } });
    fireEvent.input(screen.getByLabelText('Place'), { target: { value: ' Main hall ' } });
    fireEvent.input(screen.getByLabelText('Address'), { target: { value: 'Hafenstraße 1, Hamburg' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0].event).toEqual({
      starts_at: new Date('2099-03-05T18:00').toISOString(),
      location_name: 'Main hall',
      location_address: 'Hafenstraße 1, Hamburg',
    });
    expect(posted[0].poll).toBeUndefined();
  });
});
