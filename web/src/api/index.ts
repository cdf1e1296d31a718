// The typed API client: import from here.
export * from './http';
export * from './mastodon';
export type * from './types';

import { ApiClient, type ClientOptions } from './http';
import { mastodonApi, sessionApi } from './mastodon';

export interface Api {
  client: ApiClient;
  mastodon: ReturnType<typeof mastodonApi>;
  session: ReturnType<typeof sessionApi>;
}

export function createApi(options: ClientOptions = {}): Api {
  const client = new ApiClient(options);
  return { client, mastodon: mastodonApi(client), session: sessionApi(client) };
}
