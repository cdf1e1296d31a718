// The Mastodon-compatible endpoints the app calls (docs/api.md, client-api-notes.md §1.3).
import type { ApiClient, Page } from './http';
import type {
  CredentialAccount,
  InstanceV2,
  Marker,
  MediaAttachment,
  NewStatus,
  Notification,
  PageParams,
  Status,
  WebSession,
} from './types';
import { guildhallNotificationTypes } from './types';

// What the app lists and counts: Mastodon's types and Guildhall's own, which the server sends
// only when named.
export const shownNotificationTypes: readonly string[] = [
  'mention',
  'reblog',
  'favourite',
  'follow',
  'follow_request',
  'poll',
  'update',
  'status',
  'admin.sign_up',
  'admin.report',
  ...guildhallNotificationTypes,
];

export interface NotificationParams extends PageParams {
  types?: string[];
  exclude_types?: string[];
}

export function mastodonApi(client: ApiClient) {
  // A first page from `path` with `params`, or a later page from a `next`/`prev` URL.
  const page = <T>(path: string, from: string | PageParams | undefined, extra?: object) =>
    typeof from === 'string'
      ? client.page<T>(from)
      : client.page<T>(path, { ...(from ?? {}), ...(extra ?? {}) } as Record<string, never>);

  return {
    verifyCredentials: () => client.get<CredentialAccount>('/api/v1/accounts/verify_credentials'),
    updateCredentials: async (fields: { display_name?: string; note?: string }) =>
      (
        await client.request<CredentialAccount>('PATCH', '/api/v1/accounts/update_credentials', {
          json: fields,
        })
      ).data,
    // A new profile picture (multipart `avatar`; cropped square by the server) or header.
    updateProfileImage: async (image: 'avatar' | 'header', file: File) => {
      const form = new FormData();
      form.append(image, file);
      return (await client.request<CredentialAccount>('PATCH', '/api/v1/accounts/update_credentials', { form })).data;
    },
    removeProfileImage: async (image: 'avatar' | 'header') =>
      (await client.request<CredentialAccount>('DELETE', `/api/v1/profile/${image}`)).data,
    instance: () => client.get<InstanceV2>('/api/v2/instance'),
    // An upload, processed at once (docs/api.md, "Media"); its id goes into media_ids.
    uploadMedia: async (file: File, description?: string) => {
      const form = new FormData();
      form.append('file', file);
      if (description) form.append('description', description);
      return (await client.request<MediaAttachment>('POST', '/api/v2/media', { form })).data;
    },

    homeTimeline: (from?: string | PageParams): Promise<Page<Status>> =>
      page<Status>('/api/v1/timelines/home', from),
    status: (id: string) => client.get<Status>(`/api/v1/statuses/${encodeURIComponent(id)}`),
    statusContext: (id: string) =>
      client.get<{ ancestors: Status[]; descendants: Status[] }>(
        `/api/v1/statuses/${encodeURIComponent(id)}/context`,
      ),
    // The Idempotency-Key makes a retried post (after a network error) land only once.
    createStatus: async (status: NewStatus, idempotencyKey: string) =>
      (
        await client.request<Status>('POST', '/api/v1/statuses', {
          json: status,
          headers: { 'Idempotency-Key': idempotencyKey },
        })
      ).data,
    deleteStatus: async (id: string) =>
      (await client.request<Status>('DELETE', `/api/v1/statuses/${encodeURIComponent(id)}`)).data,
    favourite: async (id: string) =>
      (
        await client.request<Status>(
          'POST',
          `/api/v1/statuses/${encodeURIComponent(id)}/favourite`,
        )
      ).data,
    unfavourite: async (id: string) =>
      (
        await client.request<Status>(
          'POST',
          `/api/v1/statuses/${encodeURIComponent(id)}/unfavourite`,
        )
      ).data,

    // Every type the app shows, Guildhall's own included (the server leaves those out unless named).
    notifications: (from?: string | NotificationParams): Promise<Page<Notification>> =>
      page<Notification>(
        '/api/v1/notifications',
        typeof from === 'string' ? from : { types: shownNotificationTypes, ...(from ?? {}) },
      ),
    unreadNotifications: () =>
      client.get<{ count: number }>('/api/v1/notifications/unread_count', { types: shownNotificationTypes }),
    // The read position of the notifications (and the home timeline), kept by the server.
    markers: (timelines: ('notifications' | 'home')[]) =>
      client.get<Partial<Record<'notifications' | 'home', Marker>>>('/api/v1/markers', {
        timeline: timelines,
      }),
    saveMarker: async (timeline: 'notifications' | 'home', lastReadId: string) =>
      (
        await client.request<Partial<Record<'notifications' | 'home', Marker>>>(
          'POST',
          '/api/v1/markers',
          { json: { [timeline]: { last_read_id: lastReadId } } },
        )
      ).data,
  };
}

export type MastodonApi = ReturnType<typeof mastodonApi>;

// The browser session (docs/api.md, "Web app sessions").
export function sessionApi(client: ApiClient) {
  return {
    // The current session, or null when signed out (401) or when the server has no web sessions
    // yet (404).
    current: async (): Promise<WebSession | null> => {
      try {
        return await client.get<WebSession>('/web/session');
      } catch (e) {
        if (e instanceof Error && 'status' in e && (e.status === 401 || e.status === 404))
          return null;
        throw e;
      }
    },
    signIn: async (username: string, password: string) =>
      (await client.request<WebSession>('POST', '/web/session', { json: { username, password } }))
        .data,
    // Stores the person's preferences (the UI language) with their account.
    update: async (changes: { locale: string | null }) =>
      (await client.request<WebSession>('PATCH', '/web/session', { json: changes })).data,
    signOut: async () => {
      await client.request<void>('DELETE', '/web/session');
    },
  };
}

export type SessionApi = ReturnType<typeof sessionApi>;
