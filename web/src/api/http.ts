// The HTTP client under every API call: same-origin fetch with the session cookie, the CSRF header
// on writes, Link-header pagination, and JSON error bodies turned into ApiError.
import type { MessageKey } from '../i18n/catalog';

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export type ApiErrorKind =
  | 'network'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'validation'
  | 'rate_limited'
  | 'server'
  | 'unavailable'
  | 'unknown';

const messageKeys: Record<ApiErrorKind, MessageKey> = {
  network: 'errors.network',
  unauthorized: 'errors.unauthorized',
  forbidden: 'errors.forbidden',
  not_found: 'errors.notFound',
  validation: 'errors.validation',
  rate_limited: 'errors.rateLimited',
  server: 'errors.server',
  unavailable: 'errors.unavailable',
  unknown: 'errors.unknown',
};

export function errorKindForStatus(status: number): ApiErrorKind {
  if (status === 0) return 'network';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 400 || status === 409 || status === 413 || status === 422) return 'validation';
  if (status === 429) return 'rate_limited';
  if (status === 501) return 'unavailable';
  if (status >= 500) return 'server';
  return 'unknown';
}

// A failed request. `messageKey` is the user-facing message; `detail` is what the server said
// ({"error": ...}, OAuth's error_description), shown alongside it where it helps.
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  constructor(
    readonly status: number,
    readonly detail: string | null,
    readonly path: string,
  ) {
    super(detail ?? `HTTP ${status} for ${path}`);
    this.name = 'ApiError';
    this.kind = errorKindForStatus(status);
  }
  get messageKey(): MessageKey {
    return messageKeys[this.kind];
  }
}

export interface Page<T> {
  items: T[];
  // Relative URLs (path and query) from the Link header; null when there is no such page.
  next: string | null;
  prev: string | null;
}

// A list that does not page, as one Page.
export const asPage = <T>(items: T[]): Page<T> => ({ items, next: null, prev: null });

// RFC 8288 Link header → rel → URL. Tolerates any order, extra parameters, several rels in one
// value, and commas inside the <URL>.
export function parseLinkHeader(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  const re = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const match of header.matchAll(re)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]);
    if (!rel) continue;
    for (const name of rel[1].trim().split(/\s+/))
      if (!(name.toLowerCase() in links)) links[name.toLowerCase()] = match[1];
  }
  return links;
}

// Keeps only the path and query: the app never sends its cookie anywhere but its own origin.
export function toRelative(url: string): string {
  const parsed = new URL(url, 'http://relative.invalid');
  return parsed.pathname + parsed.search;
}

export function buildQuery(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(`${key}[]`, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  // A multipart body (uploads); the browser sets its Content-Type with the boundary.
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
  status: number;
}

export interface ClientOptions {
  fetch?: typeof fetch;
  // Called when any request answers 401 (the session ended).
  onUnauthorized?: () => void;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export class ApiClient {
  private csrfToken: string | null = null;
  private readonly fetchImpl: typeof fetch;
  private onUnauthorized: (() => void) | undefined;

  constructor(options: ClientOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onUnauthorized = options.onUnauthorized;
  }

  // Replaces ClientOptions.onUnauthorized (the app's session state sets it).
  setUnauthorizedHandler(handler: (() => void) | undefined) {
    this.onUnauthorized = handler;
  }

  // The session's CSRF token (from /web/session), sent as X-CSRF-Token on every write. Kept in
  // memory only.
  setCsrfToken(token: string | null) {
    this.csrfToken = token;
  }

  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const upper = method.toUpperCase();
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    }
    if (!safeMethods.has(upper) && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    const url = path + buildQuery(options.query);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: upper,
        headers,
        body,
        credentials: 'same-origin',
        signal: options.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, null, path);
    }
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized?.();
      throw new ApiError(response.status, await errorDetail(response), path);
    }
    const data =
      response.status === 204 || upper === 'HEAD'
        ? (undefined as T)
        : ((await readJson(response, path)) as T);
    return { data, headers: response.headers, status: response.status };
  }

  // Whether a GET of `path` succeeds (a capability check: streaming, optional endpoints).
  async ok(path: string): Promise<boolean> {
    try {
      const r = await this.fetchImpl(path, { credentials: 'same-origin' });
      return r.ok;
    } catch {
      return false;
    }
  }

  async get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return (await this.request<T>('GET', path, { query, signal })).data;
  }

  // One page of a paginated list. `from` is an endpoint path (with `query`), or a `next`/`prev`
  // URL of an earlier page (which already carries its query).
  async page<T>(from: string, query?: Query, signal?: AbortSignal): Promise<Page<T>> {
    const res = await this.request<T[]>('GET', from, { query, signal });
    const links = parseLinkHeader(res.headers.get('Link'));
    const items = Array.isArray(res.data) ? res.data : [];
    return {
      items,
      next: links.next ? toRelative(links.next) : null,
      prev: links.prev ? toRelative(links.prev) : null,
    };
  }
}

async function readJson(response: Response, path: string): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new ApiError(502, 'The server sent a response that is not JSON.', path);
  }
}

// {"error": "..."} (Mastodon), {"error": "invalid_grant", "error_description": "..."} (OAuth).
async function errorDetail(response: Response): Promise<string | null> {
  if (!(response.headers.get('Content-Type') ?? '').includes('json')) return null;
  try {
    const body = (await response.json()) as { error?: unknown; error_description?: unknown };
    if (typeof body.error_description === 'string' && body.error_description)
      return body.error_description;
    if (typeof body.error === 'string' && body.error) return body.error;
  } catch {
    // An unreadable error body: the status alone says what happened.
  }
  return null;
}
