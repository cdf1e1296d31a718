import { cleanup, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { jsonResponse, renderWith, routeFetch } from '../test-support';
import { PostRedirect } from './PostRedirect';

afterEach(cleanup);

describe('PostRedirect', () => {
  it('opens the thread of a comment at the comment', async () => {
    const fetch = routeFetch({
      '/api/v1/statuses/k3/context': () => jsonResponse({ ancestors: [{ id: 't1' }, { id: 'k1' }], descendants: [] }),
    });
    renderWith(<PostRedirect id="k3" />, { fetch });
    await waitFor(() => expect(location.pathname + location.hash).toBe('/threads/t1#comment-k3'));
  });

  it('opens a thread itself', async () => {
    const fetch = routeFetch({ '/api/v1/statuses/t2/context': () => jsonResponse({ ancestors: [], descendants: [] }) });
    renderWith(<PostRedirect id="t2" />, { fetch });
    await waitFor(() => expect(location.pathname + location.hash).toBe('/threads/t2'));
  });
});
