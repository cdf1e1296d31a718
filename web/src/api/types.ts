// The Mastodon API entities the app reads (docs.joinmastodon.org, and the field list in
// ../shared/docs/client-api-notes.md §1.4). Ids are strings; times are RFC 3339.

export interface CustomEmoji {
  shortcode: string;
  url: string;
  static_url: string;
}

export interface Field {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface Account {
  id: string;
  username: string;
  // Bare for local accounts, user@domain for remote ones.
  acct: string;
  display_name: string;
  locked: boolean;
  bot: boolean;
  // Communities are accounts with group: true.
  group: boolean;
  created_at: string;
  note: string;
  url: string;
  avatar: string;
  avatar_static: string;
  header: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  emojis: CustomEmoji[];
  fields: Field[];
}

export interface Role {
  id: string;
  name: string;
  permissions: string;
}

export interface CredentialAccount extends Account {
  source?: {
    privacy: string;
    sensitive: boolean;
    language: string | null;
    note: string;
    fields: Field[];
  };
  role?: Role;
}

export interface MediaAttachment {
  id: string;
  type: 'image' | 'video' | 'gifv' | 'audio' | 'unknown';
  url: string | null;
  preview_url: string | null;
  description: string | null;
}

export interface Mention {
  id: string;
  username: string;
  acct: string;
  url: string;
}

export interface Tag {
  name: string;
  url: string;
}

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface Status {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  edited_at: string | null;
  account: Account;
  // Sanitised HTML from the server.
  content: string;
  visibility: Visibility;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MediaAttachment[];
  mentions: Mention[];
  tags: Tag[];
  emojis: CustomEmoji[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  // A community's Announce shows as a reblog whose account is the group.
  reblog: Status | null;
  language: string | null;
  favourited?: boolean;
  reblogged?: boolean;
  bookmarked?: boolean;
}

export type NotificationType =
  | 'mention'
  | 'status'
  | 'reblog'
  | 'follow'
  | 'follow_request'
  | 'favourite'
  | 'poll'
  | 'update'
  | 'admin.sign_up'
  | 'admin.report'
  | GuildhallNotificationType;

// Guildhall's own types (docs/api.md, "Notifications"): the server sends them only to a client
// that names them in types[], as the web app does; `account` is the community, or the reporter.
export const guildhallNotificationTypes = [
  'guildhall.join_approved',
  'guildhall.join_rejected',
  'guildhall.moderator_added',
  'guildhall.banned',
  'guildhall.report',
] as const;
export type GuildhallNotificationType = (typeof guildhallNotificationTypes)[number];

// Mastodon's Report entity as admin.report and guildhall.report carry it, with the community it
// is about (Guildhall's addition).
export interface MastodonReport {
  id: string;
  action_taken: boolean;
  comment: string;
  created_at: string;
  status_ids: string[] | null;
  target_account: Account;
  community?: Account | null;
}

export interface Notification {
  id: string;
  type: NotificationType | string;
  created_at: string;
  account: Account;
  status?: Status | null;
  report?: MastodonReport | null;
  group_key?: string;
}

// GET/POST /api/v1/markers: how far the person has read.
export interface Marker {
  last_read_id: string;
  version: number;
  updated_at: string;
}

export interface InstanceV2 {
  domain: string;
  title: string;
  version: string;
  description: string;
  languages: string[];
  configuration?: {
    statuses?: { max_characters?: number; max_media_attachments?: number };
  };
  registrations?: { enabled: boolean; approval_required: boolean };
}

// Mastodon's timeline paging: newest first; max_id = older than, min_id = the page just newer.
export interface PageParams {
  max_id?: string;
  since_id?: string;
  min_id?: string;
  limit?: number;
}

export interface NewStatus {
  status: string;
  in_reply_to_id?: string;
  spoiler_text?: string;
  sensitive?: boolean;
  visibility?: Visibility;
  language?: string;
  media_ids?: string[];
}

// GET/POST /web/session (docs/api.md): the signed-in person and what the app needs besides.
export interface WebSession {
  account: CredentialAccount;
  csrf_token: string;
  roles: { admin: boolean; manager: boolean };
  // The person's UI language (a locale code of the web app), null for "as the browser says".
  // Optional: servers before the preference existed leave it out.
  locale?: string | null;
}
