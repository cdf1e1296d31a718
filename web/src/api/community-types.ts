// The community API's entities (docs/api.md, "Community API"): what Mastodon cannot express.
export interface Person {
  id: string;
  handle: string;
  // Bare for local people, name@host for remote ones.
  acct: string;
  display_name: string;
  url: string;
  avatar: string | null;
  local: boolean;
  host: string;
}

export type CommunityVisibility = 'public' | 'private' | 'local_only';
export type JoinPolicy = 'open' | 'approval';
export type PostingPolicy = 'members' | 'moderators';
export type CommunityRole = 'owner' | 'moderator' | 'member';
export type MembershipState = 'none' | 'pending' | 'member' | 'banned';

export interface Ban {
  reason: string | null;
  expires_at: string | null;
}

export interface Community {
  id: string;
  handle: string;
  acct: string;
  local: boolean;
  host: string;
  url: string;
  ap_id: string;
  title: string;
  description: string;
  description_html: string;
  rules: string[];
  welcome: string;
  welcome_html: string;
  visibility: CommunityVisibility;
  join_policy: JoinPolicy;
  posting_policy: PostingPolicy;
  languages: string[];
  icon: string | null;
  // The banner shown above the community's page.
  header: string | null;
  member_count: number;
  created_at: string;
  me: {
    membership: MembershipState;
    role: CommunityRole | null;
    can_post: boolean;
    can_manage: boolean;
    ban: Ban | null;
  } | null;
  // Only in GET /communities/{id} and the answers of create and settings.
  managers?: { role: CommunityRole; person: Person }[];
}

export interface CommunitySettings {
  title: string;
  description: string;
  rules: string[];
  welcome: string;
  visibility: CommunityVisibility;
  join_policy: JoinPolicy;
  posting_policy: PostingPolicy;
  languages: string[];
  // Image addresses; the manager tools upload them instead (communityApi.uploadImage).
  icon?: string | null;
  header?: string | null;
}

export interface NewCommunity extends Partial<Omit<CommunitySettings, 'title' | 'icon' | 'header'>> {
  handle: string;
  title: string;
}

export interface Membership {
  person: Person;
  role: CommunityRole;
  state: 'pending' | 'accepted' | 'banned';
  since: string;
  ban: Ban | null;
}

export interface EmojiCount {
  emoji: string;
  count: number;
  me?: boolean;
}

export interface Reactions {
  likes: number;
  dislikes: number;
  score: number;
  emoji: EmojiCount[];
  my_vote: 'like' | 'dislike' | null;
}

export interface Attachment {
  id: string | null; // our upload's id; null for a remote file
  url: string;
  preview_url: string | null;
  media_type: string;
  description: string | null;
  width: number | null;
  height: number | null;
  blurhash: string | null;
}

export interface CommunityRef {
  id: string;
  handle: string;
  acct: string;
  title: string;
  icon: string | null;
  local: boolean;
}

export interface Thread {
  id: string;
  ap_id: string;
  url: string;
  community: CommunityRef;
  author: Person;
  title: string;
  body: string | null;
  body_html: string;
  language: string | null;
  summary: string | null;
  sensitive: boolean;
  attachments: Attachment[];
  question: boolean;
  accepted_answer_id: string | null;
  pinned: boolean;
  locked: boolean;
  removed: boolean;
  deleted: boolean;
  published_at: string;
  edited_at: string | null;
  last_activity_at: string;
  comment_count: number;
  reactions: Reactions;
  read: { unread: boolean; new_comments: number } | null;
  poll: Poll | null;
  event: CommunityEvent | null;
}

export interface Poll {
  options: { name: string; votes: number }[];
  multiple: boolean;
  ends_at: string | null;
  expired: boolean;
  voters_count: number;
  my_choices: string[];
}

export type RsvpStatus = 'going' | 'maybe' | 'not_going';

export interface CommunityEvent {
  starts_at: string;
  ends_at: string | null;
  location_name: string | null;
  location_address: string | null;
  rsvps: Record<RsvpStatus, number>;
  my_rsvp: RsvpStatus | null;
}

// What a new thread is besides its title and text (POST /communities/{id}/threads).
export interface NewThread {
  title: string;
  body: string;
  language?: string;
  question?: boolean;
  summary?: string;
  sensitive?: boolean;
  media_ids?: string[];
  poll?: { options: string[]; multiple?: boolean; ends_at?: string };
  event?: { starts_at: string; ends_at?: string; location_name?: string; location_address?: string };
}

// Which notifications the person receives (GET /account/notification_preferences).
export const notificationCategories = ['mention', 'reply', 'reaction', 'boost', 'follow', 'membership', 'report'] as const;
export type NotificationCategory = (typeof notificationCategories)[number];
export type NotificationPreferences = Record<NotificationCategory, boolean>;

export interface Comment {
  id: string;
  ap_id: string;
  thread_id: string;
  parent_id: string;
  author: Person;
  body: string | null;
  body_html: string;
  language: string | null;
  published_at: string;
  edited_at: string | null;
  deleted: boolean;
  removed: boolean;
  accepted: boolean;
  reactions: Reactions;
  replies: Comment[];
}

export interface ThreadWithComments extends Thread {
  comments: Comment[];
  comments_truncated?: boolean;
}

export interface Revision {
  title?: string | null;
  body: string | null;
  body_html: string;
  edited_at: string;
  current: boolean;
}

export interface Report {
  id: string;
  community_id: string;
  reporter: Person;
  post: { id: string; thread_id: string; title: string | null; excerpt: string; author: Person } | null;
  person: Person | null;
  reason: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: Person | null;
}

export type ModerationAction =
  | 'remove_post'
  | 'restore_post'
  | 'lock'
  | 'unlock'
  | 'pin'
  | 'unpin'
  | 'ban'
  | 'unban'
  | 'add_moderator'
  | 'remove_moderator'
  | 'approve_member'
  | 'reject_member'
  | 'update_community'
  | 'resolve_report';

export interface ModerationLogEntry {
  id: string;
  action: ModerationAction | string;
  moderator: Person | null;
  person: Person | null;
  post_id: string | null;
  reason: string | null;
  expires_at: string | null;
  created_at: string;
}

export interface Insights {
  community_id: string;
  from: string;
  to: string;
  members: { total: number; series: { date: string; total: number; joined: number }[] };
  active_members: { day: number; week: number; month: number };
  activity: { date: string; threads: number; comments: number; reactions: number }[];
  reactions: { total: number; likes: number; dislikes: number; emoji: EmojiCount[] };
  questions: {
    total: number;
    answered: number;
    accepted: number;
    unanswered: number;
    median_seconds_to_first_answer: number | null;
    unanswered_threads: { id: string; title: string; published_at: string }[];
  };
  members_by_instance: { host: string; local: boolean; members: number }[];
}

export type ThreadSort = 'new' | 'active' | 'top';

export interface JoinResult {
  membership: 'member' | 'pending';
  welcome_html: string;
  community: Community;
}
