// The admin API (docs/api.md, "Admin API"): Mastodon's /api/v1/admin accounts, reports, domain
// blocks and allows, and Guildhall's /api/guildhall/v1/admin instance settings and known instances.
// Only for admins: the server answers 403 to everyone else.
import type { ApiClient, Page } from './http';
import type { Account, Status } from './types';

export interface AdminAccount {
  id: string;
  username: string;
  domain: string | null;
  created_at: string;
  email: string;
  role: { name: string } | null;
  disabled: boolean;
  silenced: boolean;
  suspended: boolean;
  account: Account;
}

export interface AdminReport {
  id: string;
  action_taken: boolean;
  action_taken_at: string | null;
  comment: string;
  forwarded: boolean;
  created_at: string;
  account: AdminAccount;
  target_account: AdminAccount | null;
  assigned_account: AdminAccount | null;
  action_taken_by_account: AdminAccount | null;
  statuses: Status[];
  // Guildhall: the community the report is about.
  community: { id: string; handle: string; acct: string; display_name: string } | null;
}

export type FederationPolicy = 'allow' | 'block';

export interface DomainRule {
  id: string;
  domain: string;
  created_at: string;
}

export interface KnownInstance {
  id: string;
  domain: string;
  software: string | null;
  version: string | null;
  policy: FederationPolicy | 'none';
  allowed: boolean;
  first_seen_at: string;
}

export type Registrations = 'open' | 'approval' | 'closed';
export type FederationMode = 'open' | 'blocklist' | 'allowlist';

export interface InstanceSettings {
  title: string;
  description: string;
  contact_email: string;
  registrations: Registrations;
  federation_mode: FederationMode;
  updated_at: string | null;
}

export interface AccountQuery {
  username?: string;
  status?: 'active' | 'disabled' | 'suspended';
  limit?: number;
}

export function adminApi(client: ApiClient) {
  const id = encodeURIComponent;
  const send = async <T>(method: string, path: string, json: unknown = {}) =>
    (await client.request<T>(method, path, { json: method === 'DELETE' ? undefined : json })).data;
  const page = <T>(path: string, from: string | Record<string, string | number | boolean | undefined> | undefined) =>
    typeof from === 'string' ? client.page<T>(from) : client.page<T>(path, from);
  const rules = (policy: FederationPolicy) => `/api/v1/admin/domain_${policy}s`;

  return {
    accounts: (from?: string | AccountQuery): Promise<Page<AdminAccount>> =>
      page<AdminAccount>('/api/v2/admin/accounts', typeof from === 'string' ? from : { origin: 'local', ...from }),
    suspend: (accountId: string) => send<object>('POST', `/api/v1/admin/accounts/${id(accountId)}/action`, { type: 'suspend' }),
    unsuspend: (accountId: string) => send<AdminAccount>('POST', `/api/v1/admin/accounts/${id(accountId)}/unsuspend`),

    reports: (from?: string | { resolved?: boolean; limit?: number }): Promise<Page<AdminReport>> =>
      page<AdminReport>('/api/v1/admin/reports', from),
    resolveReport: (reportId: string) => send<AdminReport>('POST', `/api/v1/admin/reports/${id(reportId)}/resolve`),
    reopenReport: (reportId: string) => send<AdminReport>('POST', `/api/v1/admin/reports/${id(reportId)}/reopen`),

    domainRules: (policy: FederationPolicy): Promise<Page<DomainRule>> => page<DomainRule>(rules(policy), { limit: 200 }),
    addDomainRule: (policy: FederationPolicy, domain: string) => send<DomainRule>('POST', rules(policy), { domain }),
    removeDomainRule: (policy: FederationPolicy, ruleId: string) => send<object>('DELETE', `${rules(policy)}/${id(ruleId)}`),
    instances: (from?: string | { limit?: number }): Promise<Page<KnownInstance>> =>
      page<KnownInstance>('/api/guildhall/v1/admin/instances', from),

    settings: () => client.get<InstanceSettings>('/api/guildhall/v1/admin/instance'),
    updateSettings: (changes: Partial<Omit<InstanceSettings, 'updated_at'>>) =>
      send<InstanceSettings>('PATCH', '/api/guildhall/v1/admin/instance', changes),
  };
}
