import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { Settings } from '../pages/Settings';
import { jsonResponse, renderWith, routeFetch, session } from '../test-support';

afterEach(cleanup);

const jpeg = (name: string) => new File([new Uint8Array([0xff, 0xd8, 0xff])], name, { type: 'image/jpeg' });

describe('ImageUpload (the profile picture and header in settings)', () => {
  it('previews the chosen picture, uploads it and shows the new avatar', async () => {
    const sent: FormData[] = [];
    const fetch = routeFetch({
      '/api/v1/accounts/update_credentials': (_url, init) => {
        expect(init?.method).toBe('PATCH');
        sent.push(init?.body as FormData);
        return jsonResponse({ ...session.account, avatar: '/media/new.png', avatar_static: '/media/new.png' });
      },
    });
    renderWith(<Settings />, { fetch });
    const form = screen.getByRole('form', { name: 'Profile picture' });
    const upload = screen.getByRole('button', { name: 'Upload picture' }) as HTMLButtonElement;
    expect(upload.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Choose a new picture'), { target: { files: [jpeg('me.jpg')] } });
    expect(form.querySelector('img')?.getAttribute('alt')).toBe('Preview of the chosen image');
    expect(form.querySelector('img')?.getAttribute('src')).toMatch(/^blob:/);
    fireEvent.click(upload);
    await waitFor(() => expect(form.querySelector('[role=status]')?.textContent).toBe('Profile picture updated.'));
    expect((sent[0].get('avatar') as File).name).toBe('me.jpg');
    expect(sent[0].get('header')).toBeNull();
    expect(sent[0].get('display_name')).toBeNull();
    expect(screen.getByRole('img', { name: 'Your current profile picture' }).getAttribute('src')).toBe('/media/new.png');
    expect(upload.disabled).toBe(true);
  });

  it('uploads and removes the header image', async () => {
    const calls: string[] = [];
    const fetch = routeFetch({
      '/api/v1/accounts/update_credentials': (_url, init) => {
        calls.push(`PATCH ${[...(init?.body as FormData).keys()].join()}`);
        return jsonResponse({ ...session.account, header: '/media/wide.png' });
      },
      '/api/v1/profile/header': (_url, init) => {
        calls.push(`${init?.method} header`);
        return jsonResponse({ ...session.account, header: 'https://guild.test/headers/original/missing.png' });
      },
    });
    renderWith(<Settings />, { fetch });
    // The server's stand-in for no header is not shown, and there is nothing to remove.
    expect(screen.queryByRole('img', { name: 'Your current header image' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove header image' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Choose a new header image'), { target: { files: [jpeg('wide.jpg')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Upload header image' }));
    await screen.findByText('Header image updated.');
    expect(screen.getByRole('img', { name: 'Your current header image' }).getAttribute('src')).toBe('/media/wide.png');
    fireEvent.click(screen.getByRole('button', { name: 'Remove header image' }));
    await screen.findByText('Header image removed.');
    expect(screen.queryByRole('img', { name: 'Your current header image' })).toBeNull();
    expect(calls).toEqual(['PATCH header', 'DELETE header']);
  });

  it('shows what the server refused', async () => {
    const fetch = routeFetch({
      '/api/v1/accounts/update_credentials': () => jsonResponse({ error: 'avatars and headers must be images' }, 422),
    });
    renderWith(<Settings />, { fetch, locale: 'de' });
    const pdf = new File(['%PDF-1.7'], 'cv.pdf', { type: 'application/pdf' });
    fireEvent.change(screen.getByLabelText('Neues Bild wählen'), { target: { files: [pdf] } });
    fireEvent.click(screen.getByRole('button', { name: 'Bild hochladen' }));
    const form = screen.getByRole('form', { name: 'Profilbild' });
    expect((await within(form).findByRole('alert')).textContent).toContain('avatars and headers must be images');
  });
});
