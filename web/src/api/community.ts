// The community API (docs/api.md, "Community API"), below /api/guildhall/v1.
import type { ApiClient, Page, Query } from './http';
import type {
  Comment,
  Community,
  CommunitySettings,
  Insights,
  JoinResult,
  Membership,
  ModerationLogEntry,
  NewCommunity,
  NewThread,
  NotificationPreferences,
  Reactions,
  Report,
  Revision,
  RsvpStatus,
  Thread,
  ThreadSort,
  ThreadWithComments,
} from './community-types';

export const communityBase = '/api/guildhall/v1';

export interface PageQuery {
  limit?: number;
}

export function communityApi(client: ApiClient) {
  const path = (p: string) => `${communityBase}${p}`;
  const id = encodeURIComponent;
  // Writes send a JSON body ({} when there is nothing to say), except DELETE.
  const send = async <T>(method: string, p: string, json?: unknown, query?: Query) =>
    (
      await client.request<T>(method, path(p), {
        json: json ?? (method === 'DELETE' ? undefined : {}),
        query,
      })
    ).data;
  // A first page with `query`, or a later one from a Link URL.
  const page = <T>(p: string, from: string | Query | undefined) =>
    typeof from === 'string' ? client.page<T>(from) : client.page<T>(path(p), from);

  return {
    communities: (
      from?:
        | string
        | {
            q?: string;
            scope?: 'all' | 'local' | 'remote';
            membership?: 'joined' | 'managed';
            language?: string;
            limit?: number;
          },
    ): Promise<Page<Community>> => page<Community>('/communities', from),
    resolve: (q: string) => client.get<Community>(path('/communities/resolve'), { q }),
    create: (community: NewCommunity) => send<Community>('POST', '/communities', community),
    community: (cid: string) => client.get<Community>(path(`/communities/${id(cid)}`)),
    updateCommunity: (cid: string, changes: Partial<CommunitySettings>) =>
      send<Community>('PATCH', `/communities/${id(cid)}`, changes),
    // A new icon (cropped square) or banner, uploaded as multipart `file`; removed with
    // updateCommunity({icon: null}) or ({header: null}).
    uploadImage: async (cid: string, image: 'icon' | 'header', file: File) => {
      const form = new FormData();
      form.append('file', file);
      return (await client.request<Community>('POST', path(`/communities/${id(cid)}/${image}`), { form })).data;
    },

    join: (cid: string) => send<JoinResult>('POST', `/communities/${id(cid)}/join`),
    leave: (cid: string) => send<Community>('POST', `/communities/${id(cid)}/leave`),
    members: (cid: string, from?: string | { role?: string; limit?: number }) =>
      page<Membership>(`/communities/${id(cid)}/members`, from),
    requests: (cid: string, from?: string | { limit?: number }) =>
      page<Membership>(`/communities/${id(cid)}/requests`, from),
    approve: (cid: string, person: string) =>
      send<Membership>('POST', `/communities/${id(cid)}/requests/${id(person)}/approve`),
    reject: (cid: string, person: string) =>
      send<object>('POST', `/communities/${id(cid)}/requests/${id(person)}/reject`),
    addModerator: (cid: string, person: string) =>
      send<Membership>('POST', `/communities/${id(cid)}/moderators`, { person }),
    removeModerator: (cid: string, person: string) =>
      send<object>('DELETE', `/communities/${id(cid)}/moderators/${id(person)}`),
    bans: (cid: string, from?: string | { limit?: number }) =>
      page<Membership>(`/communities/${id(cid)}/bans`, from),
    ban: (cid: string, ban: { person: string; reason?: string; expires_at?: string }) =>
      send<Membership>('POST', `/communities/${id(cid)}/bans`, ban),
    unban: (cid: string, person: string) =>
      send<object>('DELETE', `/communities/${id(cid)}/bans/${id(person)}`),

    threads: (cid: string, from?: string | { sort?: ThreadSort; period?: string; limit?: number }) =>
      page<Thread>(`/communities/${id(cid)}/threads`, from),
    home: (from?: string | { sort?: ThreadSort; unread?: boolean; limit?: number }) =>
      page<Thread>('/home', from),
    createThread: (cid: string, thread: NewThread) => send<Thread>('POST', `/communities/${id(cid)}/threads`, thread),
    thread: (tid: string) => client.get<ThreadWithComments>(path(`/threads/${id(tid)}`)),
    markRead: (tid: string) => send<{ read_at: string }>('POST', `/threads/${id(tid)}/read`),
    comment: (postId: string, comment: { body: string; language?: string }) =>
      send<Comment>('POST', `/posts/${id(postId)}/comments`, comment),
    edit: <T extends Thread | Comment>(postId: string, changes: { body: string; title?: string; language?: string }) =>
      send<T>('PATCH', `/posts/${id(postId)}`, changes),
    deletePost: (postId: string) => send<object>('DELETE', `/posts/${id(postId)}`),
    history: (postId: string) => client.get<Revision[]>(path(`/posts/${id(postId)}/history`)),
    react: (postId: string, kind: 'like' | 'dislike' | 'emoji', emoji?: string) =>
      send<Reactions>('POST', `/posts/${id(postId)}/reactions`, { kind, emoji }),
    unreact: (postId: string, kind: 'like' | 'dislike' | 'emoji', emoji?: string) =>
      send<Reactions>('DELETE', `/posts/${id(postId)}/reactions`, undefined, { kind, emoji }),
    report: (postId: string, reason: string) =>
      send<object>('POST', `/posts/${id(postId)}/report`, { reason }),
    accept: (postId: string) => send<Thread>('POST', `/posts/${id(postId)}/accept`),
    vote: (postId: string, choices: string[]) => send<Thread>('POST', `/posts/${id(postId)}/votes`, { choices }),
    rsvp: (postId: string, status: RsvpStatus | null) =>
      status ? send<Thread>('POST', `/posts/${id(postId)}/rsvp`, { status }) : send<Thread>('DELETE', `/posts/${id(postId)}/rsvp`),

    // The signed-in person's own settings (docs/api.md, "Account settings").
    changePassword: (current_password: string, new_password: string) =>
      send<{ revoked_sessions: number }>('POST', '/account/password', { current_password, new_password }),
    notificationPreferences: () => client.get<NotificationPreferences>(path('/account/notification_preferences')),
    updateNotificationPreferences: (changes: Partial<NotificationPreferences>) =>
      send<NotificationPreferences>('PATCH', '/account/notification_preferences', changes),

    moderate: (postId: string, action: 'pin' | 'unpin' | 'lock' | 'unlock' | 'restore') =>
      send<Thread>('POST', `/posts/${id(postId)}/${action}`),
    remove: (postId: string, reason?: string) =>
      send<Thread | Comment>('POST', `/posts/${id(postId)}/remove`, { reason }),
    reports: (cid: string, from?: string | { state?: 'open' | 'all'; limit?: number }) =>
      page<Report>(`/communities/${id(cid)}/reports`, from),
    resolveReport: (rid: string) => send<Report>('POST', `/reports/${id(rid)}/resolve`),
    modlog: (cid: string, from?: string | { limit?: number }) =>
      page<ModerationLogEntry>(`/communities/${id(cid)}/modlog`, from),
    insights: (cid: string, days = 30) =>
      client.get<Insights>(path(`/communities/${id(cid)}/insights`), { days }),
  };
}

export type CommunityApi = ReturnType<typeof communityApi>;
