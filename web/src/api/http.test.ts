import { describe, expect, it, vi } from 'vitest';

import { ApiError, buildQuery, createApi, parseLinkHeader, toRelative } from './index';

type Call = { url: string; init: RequestInit };

// A fetch that answers from a list of canned responses and records every call.
function fakeFetch(...responses: (Response | Error)[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return next;
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });

const status = (id: string) => ({ id, content: `<p>${id}</p>` });

describe('parseLinkHeader', () => {
  it('reads next and prev in either order, with extra parameters and several rels', () => {
    expect(
      parseLinkHeader(
        '<https://g.example/api/v1/timelines/home?max_id=7>; rel="next", ' +
          '<https://g.example/api/v1/timelines/home?min_id=9>; rel="prev"',
      ),
    ).toEqual({
      next: 'https://g.example/api/v1/timelines/home?max_id=7',
      prev: 'https://g.example/api/v1/timelines/home?min_id=9',
    });
    expect(parseLinkHeader('</a?min_id=1>; title="x"; rel=prev,</b?x=1,2>;rel="next last"')).toEqual({
      prev: '/a?min_id=1',
      next: '/b?x=1,2',
      last: '/b?x=1,2',
    });
  });
  it('is empty for a missing or malformed header', () => {
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader('nonsense')).toEqual({});
    expect(parseLinkHeader('<https://x/y>; title="no rel"')).toEqual({});
  });
});

describe('helpers', () => {
  it('keeps only path and query of a page link, never another origin', () => {
    expect(toRelative('https://evil.example/api/v1/x?max_id=1')).toBe('/api/v1/x?max_id=1');
  });
  it('encodes queries Rails-style', () => {
    expect(buildQuery({ limit: 20, types: ['mention', 'follow'], x: undefined, y: true })).toBe(
      '?limit=20&types%5B%5D=mention&types%5B%5D=follow&y=true',
    );
    expect(buildQuery({})).toBe('');
  });
});

describe('pagination', () => {
  it('follows the Link header page by page and stops on the last page', async () => {
    const { fetch, calls } = fakeFetch(
      json([status('9'), status('8')], 200, {
        Link:
          '<http://guild.test/api/v1/timelines/home?limit=2&max_id=8>; rel="next", ' +
          '<http://guild.test/api/v1/timelines/home?limit=2&min_id=9>; rel="prev"',
      }),
      json([status('7')]),
    );
    const api = createApi({ fetch });
    const first = await api.mastodon.homeTimeline({ limit: 2 });
    expect(first.items.map((s) => s.id)).toEqual(['9', '8']);
    expect(first.next).toBe('/api/v1/timelines/home?limit=2&max_id=8');
    expect(first.prev).toBe('/api/v1/timelines/home?limit=2&min_id=9');
    const second = await api.mastodon.homeTimeline(first.next!);
    expect(second.items.map((s) => s.id)).toEqual(['7']);
    expect(second.next).toBeNull();
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/timelines/home?limit=2',
      '/api/v1/timelines/home?limit=2&max_id=8',
    ]);
  });

  it('sends notification filters as Rails arrays', async () => {
    const { fetch, calls } = fakeFetch(json([]));
    await createApi({ fetch }).mastodon.notifications({ types: ['mention'], limit: 5 });
    expect(calls[0].url).toBe('/api/v1/notifications?types%5B%5D=mention&limit=5');
  });
});

describe('errors', () => {
  it('turns a JSON error body into an ApiError with a user-facing message key', async () => {
    const { fetch } = fakeFetch(json({ error: 'Text can’t be blank' }, 422));
    const error = await createApi({ fetch })
      .mastodon.createStatus({ status: '' }, 'key-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, kind: 'validation', detail: 'Text can’t be blank' });
    expect((error as ApiError).messageKey).toBe('errors.validation');
  });

  it('prefers the OAuth error_description', async () => {
    const { fetch } = fakeFetch(
      json({ error: 'invalid_grant', error_description: 'The code has expired' }, 400),
    );
    const error = (await createApi({ fetch }).client.get('/x').catch((e) => e)) as ApiError;
    expect(error.detail).toBe('The code has expired');
  });

  it('maps statuses without a JSON body, and network failures', async () => {
    const { fetch } = fakeFetch(
      new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
      new Response('', { status: 429 }),
      new Response('{"error":"Record not found"}', {
        status: 404,
        headers: { 'Content-Type': 'application/json' },
      }),
      new TypeError('Failed to fetch'),
    );
    const api = createApi({ fetch });
    const kinds = [];
    for (let i = 0; i < 4; i++) {
      const e = (await api.client.get('/api/v2/instance').catch((x) => x)) as ApiError;
      kinds.push([e.status, e.kind, e.messageKey, e.detail]);
    }
    expect(kinds).toEqual([
      [502, 'server', 'errors.server', null],
      [429, 'rate_limited', 'errors.rateLimited', null],
      [404, 'not_found', 'errors.notFound', 'Record not found'],
      [0, 'network', 'errors.network', null],
    ]);
  });

  it('reports a 401 as the end of the session', async () => {
    const onUnauthorized = vi.fn();
    const { fetch } = fakeFetch(json({ error: 'The access token is invalid' }, 401));
    await createApi({ fetch, onUnauthorized }).mastodon.verifyCredentials().catch(() => {});
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('rejects a success response that is not JSON', async () => {
    const { fetch } = fakeFetch(new Response('<html></html>', { status: 200 }));
    const e = (await createApi({ fetch }).mastodon.instance().catch((x) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.kind).toBe('server');
  });
});

describe('session and CSRF', () => {
  it('signs in with JSON, then sends the CSRF token on writes only, always same-origin', async () => {
    const session = {
      account: { id: '1', username: 'alice' },
      csrf_token: 'csrf-123',
      roles: { admin: false, manager: false },
    };
    const { fetch, calls } = fakeFetch(
      json(session),
      json([]),
      json(status('1')),
      new Response(null, { status: 204 }),
    );
    const api = createApi({ fetch });
    const signedIn = await api.session.signIn('alice', 'pw');
    api.client.setCsrfToken(signedIn.csrf_token);
    await api.mastodon.homeTimeline();
    await api.mastodon.createStatus({ status: 'hi' }, 'idem-1');
    await api.session.signOut();

    expect(calls[0].url).toBe('/web/session');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ username: 'alice', password: 'pw' });
    const headers = calls.map((c) => c.init.headers as Record<string, string>);
    expect(headers[0]['Content-Type']).toBe('application/json');
    expect(headers[1]['X-CSRF-Token']).toBeUndefined();
    expect(headers[2]['X-CSRF-Token']).toBe('csrf-123');
    expect(headers[2]['Idempotency-Key']).toBe('idem-1');
    expect(calls[3].init.method).toBe('DELETE');
    expect(headers[3]['X-CSRF-Token']).toBe('csrf-123');
    for (const c of calls) expect(c.init.credentials).toBe('same-origin');
  });

  it('treats 401 and a server without web sessions (404) as signed out', async () => {
    const { fetch } = fakeFetch(json({ error: 'Not signed in' }, 401), json({ error: 'x' }, 404));
    const api = createApi({ fetch });
    expect(await api.session.current()).toBeNull();
    expect(await api.session.current()).toBeNull();
  });

  it('never puts anything in localStorage', async () => {
    localStorage.clear();
    const { fetch } = fakeFetch(json({ account: {}, csrf_token: 't', roles: {} }));
    await createApi({ fetch }).session.signIn('a', 'b');
    expect(localStorage.length).toBe(0);
  });
});
