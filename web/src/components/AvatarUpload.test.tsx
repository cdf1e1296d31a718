import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { jsonResponse, renderWith, routeFetch, session } from '../test-support';
import { AvatarUpload } from './AvatarUpload';

afterEach(cleanup);

describe('AvatarUpload', () => {
  it('uploads the chosen picture and shows the new avatar', async () => {
    const sent: FormData[] = [];
    const fetch = routeFetch({
      '/api/v1/accounts/update_credentials': (_url, init) => {
        expect(init?.method).toBe('PATCH');
        sent.push(init?.body as FormData);
        return jsonResponse({ ...session.account, avatar: '/media/new.png', avatar_static: '/media/new.png' });
      },
    });
    renderWith(<AvatarUpload />, { fetch });
    const upload = screen.getByRole('button', { name: 'Upload picture' }) as HTMLButtonElement;
    expect(upload.disabled).toBe(true);
    const picture = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'me.jpg', { type: 'image/jpeg' });
    fireEvent.change(screen.getByLabelText('Choose a new picture'), { target: { files: [picture] } });
    fireEvent.click(upload);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Profile picture updated.'));
    expect((sent[0].get('avatar') as File).name).toBe('me.jpg');
    expect(sent[0].get('display_name')).toBeNull();
    expect(screen.getByRole('img', { name: 'Your current profile picture' }).getAttribute('src')).toBe('/media/new.png');
  });

  it('shows what the server refused', async () => {
    const fetch = routeFetch({
      '/api/v1/accounts/update_credentials': () => jsonResponse({ error: 'avatars and headers must be images' }, 422),
    });
    renderWith(<AvatarUpload />, { fetch, locale: 'de' });
    const pdf = new File(['%PDF-1.7'], 'cv.pdf', { type: 'application/pdf' });
    fireEvent.change(screen.getByLabelText('Neues Bild wählen'), { target: { files: [pdf] } });
    fireEvent.click(screen.getByRole('button', { name: 'Bild hochladen' }));
    expect((await screen.findByRole('alert')).textContent).toContain('avatars and headers must be images');
  });
});
