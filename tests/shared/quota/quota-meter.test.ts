import { QuotaExceededError } from '../../../src/shared/errors';
import type { Caller } from '../../../src/shared/identity/caller';
import { createLogger } from '../../../src/shared/logging/logger';
import { createQuotaMeter } from '../../../src/shared/quota/quota-meter';
import type { CounterKey, Holders, QuotaStore } from '../../../src/shared/quota/quota-store';
import type { QuotaName } from '../../../src/shared/quota/quotas';

/** The store every instance shares, in memory; `down` makes every call fail like a Cosmos outage. */
function memoryStore() {
  const counters = new Map<string, number>();
  const gauges = new Map<string, { holders: Record<string, string>; version: number }>();
  const state = { down: false, adds: 0 };
  const check = () => {
    if (state.down) throw new Error('Cosmos DB is unavailable');
  };
  const key = (userId: string, counter: CounterKey) => `${userId}/${counter.name}/${counter.window}`;
  const store: QuotaStore = {
    add(userId, counter, amount) {
      check();
      state.adds += 1;
      const total = (counters.get(key(userId, counter)) ?? 0) + amount;
      counters.set(key(userId, counter), total);
      return Promise.resolve(total);
    },
    read(userId, keys) {
      check();
      return Promise.resolve(keys.map((counter) => counters.get(key(userId, counter)) ?? 0));
    },
    holders(userId, gauge): Promise<Holders> {
      check();
      const held = gauges.get(`${userId}/${gauge}`);
      return Promise.resolve(
        held === undefined
          ? { holders: {} }
          : { holders: { ...held.holders }, version: String(held.version) },
      );
    },
    replaceHolders(userId, gauge, holders, expected) {
      check();
      const held = gauges.get(`${userId}/${gauge}`);
      if ((held === undefined ? undefined : String(held.version)) !== expected) return Promise.resolve(false);
      gauges.set(`${userId}/${gauge}`, { holders, version: (held?.version ?? 0) + 1 });
      return Promise.resolve(true);
    },
  };
  return {
    store,
    state,
    total: (userId: string, name: string) =>
      [...counters].filter(([k]) => k.startsWith(`${userId}/${name}/`)).reduce((sum, [, v]) => sum + v, 0),
  };
}

const log = createLogger({ level: 'error', format: 'text', redact: (text) => text, sink: () => undefined });
const user: Caller = { userId: 'u-1', roles: [] };
const limitsOf = (overrides: Partial<Record<QuotaName, number>>) => () => ({
  requests_per_minute: 0,
  tokens_per_day: 0,
  batch_items_per_day: 0,
  concurrent_batch_jobs: 0,
  connector_runs_per_day: 0,
  ...overrides,
});
const admitted = async (attempt: () => Promise<void>) => {
  try {
    await attempt();
    return true;
  } catch (error) {
    if (error instanceof QuotaExceededError) return false;
    throw error;
  }
};
const flushed = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('the quota meter', () => {
  it('when one instance serves a burst, then it admits at most the limit and its 10% slack', async () => {
    const { store } = memoryStore();
    const meter = createQuotaMeter({
      store,
      limits: limitsOf({ requests_per_minute: 100 }),
      log,
      flushMs: 5,
    });
    const results = await Promise.all(
      Array.from({ length: 300 }, () => admitted(() => meter.consume(user, 'requests_per_minute', 1))),
    );
    expect(results.filter(Boolean).length).toBeLessThanOrEqual(100 + 10);
    await flushed();
    const later = await admitted(() => meter.consume(user, 'requests_per_minute', 1));
    expect(later).toBe(false);
  });

  it('when two instances serve one user at once, then together they overshoot by at most 2 x 10% of the limit (the stated margin)', async () => {
    const { store, total } = memoryStore();
    const meters = [0, 1].map(() =>
      createQuotaMeter({ store, limits: limitsOf({ requests_per_minute: 100 }), log, flushMs: 5 }),
    );
    let served = 0;
    for (let round = 0; round < 150; round++) {
      const answers = await Promise.all(
        meters.map((meter) => admitted(() => meter.consume(user, 'requests_per_minute', 1))),
      );
      served += answers.filter(Boolean).length;
    }
    await flushed();
    expect(served).toBeGreaterThanOrEqual(100);
    expect(served).toBeLessThanOrEqual(100 + 2 * 10);
    expect(total('u-1', 'requests_per_minute')).toBe(served); // every admitted request was written, no refused one
  });

  it('when the cache is warm, then most admissions cost no store call', async () => {
    const { store, state } = memoryStore();
    const meter = createQuotaMeter({
      store,
      limits: limitsOf({ requests_per_minute: 1_000 }),
      log,
      flushMs: 1_000,
    });
    for (let index = 0; index < 100; index++) await meter.consume(user, 'requests_per_minute', 1);
    expect(state.adds).toBeLessThan(15);
  });

  it('when a limit is under 10, then every admission is decided by the store: exact', async () => {
    const { store } = memoryStore();
    const meters = [0, 1, 2].map(() =>
      createQuotaMeter({ store, limits: limitsOf({ batch_items_per_day: 9 }), log }),
    );
    const answers = await Promise.all(
      meters.flatMap((meter) =>
        [1, 2, 3].map(() => admitted(() => meter.consume(user, 'batch_items_per_day', 1))),
      ),
    );
    expect(answers.filter(Boolean)).toHaveLength(9);
  });

  it('when a batch needs more than what is left, then it is refused whole and counts nothing', async () => {
    const { store, total } = memoryStore();
    const meter = createQuotaMeter({ store, limits: limitsOf({ batch_items_per_day: 10 }), log });
    await meter.consume(user, 'batch_items_per_day', 7);
    await expect(meter.consume(user, 'batch_items_per_day', 4)).rejects.toThrow(/needs 4 items; 3 of/);
    await flushed();
    expect(total('u-1', 'batch_items_per_day')).toBe(7);
    await meter.consume(user, 'batch_items_per_day', 3);
  });

  it('when the store is down, then each instance keeps counting on its own and writes later', async () => {
    const { store, state, total } = memoryStore();
    const meter = createQuotaMeter({ store, limits: limitsOf({ requests_per_minute: 5 }), log, flushMs: 5 });
    state.down = true;
    const answers = [];
    for (let index = 0; index < 8; index++)
      answers.push(await admitted(() => meter.consume(user, 'requests_per_minute', 1)));
    expect(answers.filter(Boolean)).toHaveLength(5);
    state.down = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(total('u-1', 'requests_per_minute')).toBe(5);
  });

  it('when a gauge is full of holders that ended without releasing, then the next hold repairs it', async () => {
    const { store } = memoryStore();
    const meter = createQuotaMeter({ store, limits: limitsOf({ concurrent_batch_jobs: 2 }), log });
    const active = new Set(['job-a', 'job-b']);
    const stillActive = (id: string) => Promise.resolve(active.has(id));
    await meter.hold(user, 'concurrent_batch_jobs', 'job-a', stillActive);
    await meter.hold(user, 'concurrent_batch_jobs', 'job-b', stillActive);
    await expect(meter.hold(user, 'concurrent_batch_jobs', 'job-c', stillActive)).rejects.toThrow(
      QuotaExceededError,
    );
    active.delete('job-a'); // its worker died before releasing
    await meter.hold(user, 'concurrent_batch_jobs', 'job-c', stillActive);
    const usage = await meter.usage(user);
    expect(usage.find((quota) => quota.name === 'concurrent_batch_jobs')).toMatchObject({
      used: 2,
      limit: 2,
    });
    await meter.release(user.userId, 'concurrent_batch_jobs', 'job-b');
    expect((await meter.usage(user)).find((quota) => quota.name === 'concurrent_batch_jobs')?.used).toBe(1);
  });

  it('when tokens are recorded, then a prompt that would pass the limit is refused and usage shows the reset time', async () => {
    const { store } = memoryStore();
    const meter = createQuotaMeter({ store, limits: limitsOf({ tokens_per_day: 1_000 }), log });
    await meter.ensure(user, 'tokens_per_day', 600);
    meter.record(user, 'tokens_per_day', 700);
    await expect(meter.ensure(user, 'tokens_per_day', 400)).rejects.toMatchObject({
      quota: 'tokens_per_day',
      status: 429,
    });
    const tokens = (await meter.usage(user)).find((quota) => quota.name === 'tokens_per_day');
    expect(tokens).toMatchObject({ used: 700, remaining: 300, limit: 1_000, window: 'day' });
    expect(Date.parse(tokens?.resetsAt ?? '')).toBeGreaterThan(Date.now());
  });
});
