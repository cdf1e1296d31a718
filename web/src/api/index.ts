// The typed API client: import from here.
export * from './http';
export * from './mastodon';
export * from './community';
export type * from './admin';
export type * from './community-types';
export { notificationCategories } from './community-types';
export { guildhallNotificationTypes } from './types';
export type * from './types';

import { adminApi } from './admin';
import { ApiClient, type ClientOptions } from './http';
import { communityApi } from './community';
import { mastodonApi, sessionApi } from './mastodon';

export interface Api {
  client: ApiClient;
  mastodon: ReturnType<typeof mastodonApi>;
  session: ReturnType<typeof sessionApi>;
  community: ReturnType<typeof communityApi>;
  admin: ReturnType<typeof adminApi>;
}

export function createApi(options: ClientOptions = {}): Api {
  const client = new ApiClient(options);
  return {
    client,
    mastodon: mastodonApi(client),
    session: sessionApi(client),
    community: communityApi(client),
    admin: adminApi(client),
  };
}
