import type { AppConfig } from '../config/settings';
import { type Caller, isAdmin } from '../identity/caller';
import { keysOf, recordOf } from '../typed-object';

/**
 * The per-user quotas: each a named counter with a window (or a gauge of things held at once) and a
 * limit from its setting, `QUOTA_<NAME>`, where 0 means off. A new quota is a line here and a setting.
 */
export const QUOTAS = {
  requests_per_minute: {
    kind: 'window',
    window: 'minute',
    unit: 'requests',
    setting: 'QUOTA_REQUESTS_PER_MINUTE',
  },
  tokens_per_day: { kind: 'window', window: 'day', unit: 'tokens', setting: 'QUOTA_TOKENS_PER_DAY' },
  batch_items_per_day: { kind: 'window', window: 'day', unit: 'items', setting: 'QUOTA_BATCH_ITEMS_PER_DAY' },
  concurrent_batch_jobs: { kind: 'gauge', unit: 'jobs', setting: 'QUOTA_CONCURRENT_BATCH_JOBS' },
  connector_runs_per_day: {
    kind: 'window',
    window: 'day',
    unit: 'runs',
    setting: 'QUOTA_CONNECTOR_RUNS_PER_DAY',
  },
} as const satisfies Record<string, QuotaDefinition>;

export type QuotaName = keyof typeof QUOTAS;
export type WindowQuotaName = {
  [K in QuotaName]: (typeof QUOTAS)[K]['kind'] extends 'window' ? K : never;
}[QuotaName];
export type GaugeQuotaName = Exclude<QuotaName, WindowQuotaName>;

interface QuotaDefinition {
  readonly kind: 'window' | 'gauge';
  readonly window?: 'minute' | 'day';
  readonly unit: string;
  readonly setting: keyof AppConfig;
}

export const quotaNames: readonly QuotaName[] = keysOf(QUOTAS);

export const isWindowQuota = (name: QuotaName): name is WindowQuotaName => QUOTAS[name].kind === 'window';

/** One window of a windowed quota: its key (the UTC minute or day) and when the next one starts. */
export function windowOf(window: 'minute' | 'day', now: Date): { key: string; endsAt: Date } {
  const start = new Date(now);
  if (window === 'minute') start.setUTCSeconds(0, 0);
  else start.setUTCHours(0, 0, 0, 0);
  const endsAt = new Date(start.getTime() + (window === 'minute' ? 60_000 : 86_400_000));
  return { key: start.toISOString().slice(0, window === 'minute' ? 16 : 10), endsAt };
}

/**
 * The limits that apply to a caller: the settings, or for callers with AUTH_ADMIN_ROLE the ones
 * QUOTA_ADMIN_LIMITS names instead. 0 is no limit.
 */
export function limitsFor(
  caller: Caller,
  config: Pick<AppConfig, 'AUTH_ADMIN_ROLE' | 'QUOTA_ADMIN_LIMITS' | (typeof QUOTAS)[QuotaName]['setting']>,
): Record<QuotaName, number> {
  const admin = isAdmin(caller, config.AUTH_ADMIN_ROLE);
  return recordOf(
    quotaNames,
    (name) => (admin ? config.QUOTA_ADMIN_LIMITS[name] : undefined) ?? config[QUOTAS[name].setting],
  );
}
