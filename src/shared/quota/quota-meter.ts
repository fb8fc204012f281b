// Longer than 200 lines because it is one meter: the windowed counters, their cache and flushing, the
// gauge and the usage view share the same limits and refusals.
import { QuotaExceededError, UpstreamError } from '../errors';
import type { Caller } from '../identity/caller';
import type { Logger } from '../logging/logger';
import type { CounterKey, QuotaStore } from './quota-store';
import {
  type GaugeQuotaName,
  isWindowQuota,
  type QuotaName,
  quotaNames,
  QUOTAS,
  windowOf,
  type WindowQuotaName,
} from './quotas';

export interface QuotaUsage {
  readonly name: QuotaName;
  readonly unit: string;
  readonly window: 'minute' | 'day' | 'concurrent';
  /** null: no limit. */
  readonly limit: number | null;
  readonly used: number;
  readonly remaining: number | null;
  /** When the window ends and the count starts again; null for a gauge. */
  readonly resetsAt: string | null;
}

export interface QuotaMeter {
  /** Counts `amount` against a windowed quota; refuses (429) when it would pass the limit, counting nothing. */
  consume(caller: Caller, name: WindowQuotaName, amount: number): Promise<void>;
  /** Refuses when `amount` more would pass the limit, without counting it (the tokens of a prompt). */
  ensure(caller: Caller, name: WindowQuotaName, amount: number): Promise<void>;
  /** Counts what was spent (the tokens Azure reports); never refuses. */
  record(caller: Caller, name: WindowQuotaName, amount: number): void;
  /** Takes one of a gauge's slots for `holder`, dropping holders `stillActive` denies when it is full. */
  hold(
    caller: Caller,
    name: GaugeQuotaName,
    holder: string,
    stillActive: (holder: string, heldAt: string) => Promise<boolean>,
  ): Promise<void>;
  release(userId: string, name: GaugeQuotaName, holder: string): Promise<void>;
  usage(caller: Caller): Promise<QuotaUsage[]>;
}

export interface QuotaMeterOptions {
  readonly store: QuotaStore;
  readonly limits: (caller: Caller) => Record<QuotaName, number>;
  readonly log: Logger;
  /** Share of a limit an instance may admit before the store has confirmed it: the overshoot margin. */
  readonly slackShare?: number;
  /** How long a total read from the store is trusted. */
  readonly cacheMs?: number;
  /** How soon counts admitted within the slack are written. */
  readonly flushMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly userId: string;
  readonly counter: CounterKey;
  /** The total the store last reported. */
  known: number;
  /** Counted here, not yet written. */
  pending: number;
  syncedAt: number;
  flushing?: NodeJS.Timeout | undefined;
}

const MAX_ENTRIES = 50_000;
const GAUGE_RETRY_AFTER_SECONDS = 30;

/**
 * Per-user quotas over a shared store, with a short in-process cache so the hot path is cheap: a count
 * within `slackShare` (10%) of the limit is admitted at once and written within `flushMs`; beyond that,
 * or when the cached total is older than `cacheMs`, the store's atomic increment decides. So one
 * instance never admits more than 10% of a limit beyond what the store confirmed, and n instances
 * serving one user at the same moment overshoot by at most n x 10% (limits under 10 are exact). A user
 * known to be over a limit is refused from the cache, without a store call. When the store is down, each
 * instance keeps counting on its own and writes later.
 *
 * @example
 * const meter = createQuotaMeter({ store, limits: (caller) => limitsFor(caller, config), log });
 * await meter.consume(caller, 'requests_per_minute', 1); // throws QuotaExceededError (429) when over
 */
export function createQuotaMeter(options: QuotaMeterOptions): QuotaMeter {
  const { store, log } = options;
  const slackShare = options.slackShare ?? 0.1;
  const cacheMs = options.cacheMs ?? 2_000;
  const flushMs = options.flushMs ?? 500;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const entryFor = (userId: string, name: WindowQuotaName): Entry => {
    const window = windowOf(QUOTAS[name].window, new Date(now()));
    const key = `${userId}\n${name}\n${window.key}`;
    let entry = entries.get(key);
    if (entry === undefined) {
      if (entries.size >= MAX_ENTRIES) pruneEntries();
      entry = {
        userId,
        counter: { name, window: window.key, endsAt: window.endsAt },
        known: 0,
        pending: 0,
        syncedAt: -Infinity,
      };
      entries.set(key, entry);
    }
    return entry;
  };
  const pruneEntries = () => {
    for (const [key, entry] of entries)
      if (entry.pending === 0 && entry.counter.endsAt.getTime() <= now()) entries.delete(key);
    if (entries.size >= MAX_ENTRIES)
      for (const [key, entry] of entries) if (entry.pending === 0) entries.delete(key);
  };
  const isFresh = (entry: Entry) => now() - entry.syncedAt < cacheMs;

  const flushLater = (entry: Entry) => {
    if (entry.flushing !== undefined) return;
    entry.flushing = setTimeout(() => {
      entry.flushing = undefined;
      const amount = entry.pending;
      if (amount === 0) return;
      entry.pending = 0;
      store.add(entry.userId, entry.counter, amount).then(
        (total) => {
          entry.known = total;
          entry.syncedAt = now();
        },
        (error: unknown) => {
          entry.pending += amount;
          log.warn('quota counts not written yet; retrying', {
            quota: entry.counter.name,
            error: String(error),
          });
          flushLater(entry);
        },
      );
    }, flushMs);
    entry.flushing.unref();
  };

  const refuse = (name: WindowQuotaName, entry: Entry, limit: number, amount: number): never => {
    const { unit, window } = QUOTAS[name];
    const left = Math.max(0, limit - entry.known - entry.pending);
    const resetsAt = entry.counter.endsAt;
    const needs = amount > 1 ? `This needs ${amount} ${unit}; ${left} of ` : '';
    throw new QuotaExceededError(
      name,
      `${needs}the ${name} quota (${limit} ${unit} per ${window}) ${needs === '' ? 'is used up' : 'are left'}; it resets at ${resetsAt.toISOString()}`,
      (resetsAt.getTime() - now()) / 1_000,
    );
  };

  const readKnown = async (entry: Entry, always = false) => {
    if (!always && isFresh(entry)) return;
    try {
      const [total = 0] = await store.read(entry.userId, [entry.counter]);
      entry.known = total;
      entry.syncedAt = now();
    } catch (error) {
      log.warn('quota store unavailable; using the counts of this instance', { error: String(error) });
    }
  };

  return {
    async consume(caller, name, amount) {
      const limit = options.limits(caller)[name];
      if (limit === 0) return;
      const entry = entryFor(caller.userId, name);
      if (amount > limit || (isFresh(entry) && entry.known + entry.pending + amount > limit))
        refuse(name, entry, limit, amount);
      if (isFresh(entry) && entry.pending + amount <= Math.floor(limit * slackShare)) {
        entry.pending += amount;
        flushLater(entry);
        return;
      }
      const pending = entry.pending;
      entry.pending = 0;
      let total: number;
      try {
        total = await store.add(caller.userId, entry.counter, pending + amount);
      } catch (error) {
        entry.pending += pending;
        log.warn('quota store unavailable; counting in this instance only', {
          quota: name,
          error: String(error),
        });
        if (entry.known + entry.pending + amount > limit) refuse(name, entry, limit, amount);
        entry.pending += amount;
        flushLater(entry);
        return;
      }
      entry.known = total;
      entry.syncedAt = now();
      if (total > limit) {
        // Refused: give the amount back, so a refusal never counts.
        entry.known -= amount;
        store.add(caller.userId, entry.counter, -amount).catch((error: unknown) => {
          log.warn('a refused quota count could not be given back', { quota: name, error: String(error) });
        });
        refuse(name, entry, limit, amount);
      }
    },

    async ensure(caller, name, amount) {
      const limit = options.limits(caller)[name];
      if (limit === 0) return;
      const entry = entryFor(caller.userId, name);
      await readKnown(entry);
      if (entry.known + entry.pending + amount > limit) refuse(name, entry, limit, amount);
    },

    record(caller, name, amount) {
      if (options.limits(caller)[name] === 0 || amount <= 0) return;
      const entry = entryFor(caller.userId, name);
      entry.pending += amount;
      flushLater(entry);
    },

    async hold(caller, name, holder, stillActive) {
      const limit = options.limits(caller)[name];
      if (limit === 0) return;
      for (let attempt = 0; attempt < 5; attempt++) {
        const { holders, version } = await store.holders(caller.userId, name);
        if (Object.hasOwn(holders, holder)) return;
        const kept = new Map(Object.entries(holders));
        // Full: drop holders that ended without releasing their slot (a worker died after the last item).
        if (kept.size >= limit)
          for (const [id, heldAt] of [...kept]) if (!(await stillActive(id, heldAt))) kept.delete(id);
        if (kept.size >= limit) {
          const { unit } = QUOTAS[name];
          throw new QuotaExceededError(
            name,
            `The ${name} quota (${limit} ${unit} at once) is used up; submit again when one of them completes`,
            GAUGE_RETRY_AFTER_SECONDS,
          );
        }
        kept.set(holder, new Date(now()).toISOString());
        if (await store.replaceHolders(caller.userId, name, Object.fromEntries(kept), version)) return;
      }
      throw new UpstreamError(503, 'storage_unavailable', 'The quota store is busy; retry shortly', 1);
    },

    async release(userId, name, holder) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const { holders, version } = await store.holders(userId, name);
        if (!Object.hasOwn(holders, holder)) return;
        const { [holder]: _released, ...kept } = holders;
        if (await store.replaceHolders(userId, name, kept, version)) return;
      }
      log.warn('a quota slot could not be released; the next submission repairs it', { quota: name, holder });
    },

    async usage(caller) {
      const limits = options.limits(caller);
      return Promise.all(
        quotaNames.map(async (name): Promise<QuotaUsage> => {
          const limit = limits[name] === 0 ? null : limits[name];
          const remaining = (used: number) => (limit === null ? null : Math.max(0, limit - used));
          if (!isWindowQuota(name)) {
            const used = Object.keys((await store.holders(caller.userId, name)).holders).length;
            return {
              name,
              unit: QUOTAS[name].unit,
              window: 'concurrent',
              limit,
              used,
              remaining: remaining(used),
              resetsAt: null,
            };
          }
          const entry = entryFor(caller.userId, name);
          // What the caller reads is the store's total now (plus what this instance has not written yet).
          await readKnown(entry, true);
          const used = entry.known + entry.pending;
          return {
            name,
            unit: QUOTAS[name].unit,
            window: QUOTAS[name].window,
            limit,
            used,
            remaining: remaining(used),
            resetsAt: entry.counter.endsAt.toISOString(),
          };
        }),
      );
    },
  };
}
