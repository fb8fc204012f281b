/** One window of one named counter of a user, e.g. `tokens_per_day` for `2026-12-02`. */
export interface CounterKey {
  readonly name: string;
  readonly window: string;
  /** When the window is over; the store may forget the counter some time after. */
  readonly endsAt: Date;
}

/** What a gauge holds (active batch jobs): holder id -> when it was taken, with a version for updates. */
export interface Holders {
  readonly holders: Readonly<Record<string, string>>;
  /** Opaque version (the ETag); undefined when the gauge was never written. */
  readonly version?: string;
}

/**
 * The quota counters, shared by every instance of the app: one partition per user.
 *
 * @example
 * const total = await store.add('user-1', { name: 'requests_per_minute', window: '2026-12-02T01:11', endsAt }, 1);
 */
export interface QuotaStore {
  /** Adds `amount` (negative to give back) to a counter, atomically; the total after. */
  add(userId: string, counter: CounterKey, amount: number): Promise<number>;
  /** The totals of counters, 0 for one never written. */
  read(userId: string, counters: readonly CounterKey[]): Promise<number[]>;
  holders(userId: string, gauge: string): Promise<Holders>;
  /** Replaces the holders when the version is still `expected`; false when someone else changed them. */
  replaceHolders(
    userId: string,
    gauge: string,
    holders: Record<string, string>,
    expected: string | undefined,
  ): Promise<boolean>;
}
