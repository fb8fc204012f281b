import { performance } from 'node:perf_hooks';

// Float arithmetic must not turn "wait exactly retry-after-ms" into a second 429.
const TOLERANCE = 1e-9;

/** A bucket refilled continuously at perMinute/60 per second, holding at most a tenth of a minute's quota. */
class TokenBucket {
  readonly capacity: number;
  private level: number;
  private updatedAt: number;

  constructor(
    private readonly perMinute: number,
    now: number,
  ) {
    this.capacity = Math.max(1, perMinute / 6);
    this.level = this.capacity;
    this.updatedAt = now;
  }

  /** Milliseconds until `amount` is available; 0 when it is available now. */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    const missing = Math.min(amount, this.capacity) - this.level;
    return missing <= TOLERANCE ? 0 : Math.ceil(missing / (this.perMinute / 60_000));
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level = Math.max(0, this.level - Math.min(amount, this.capacity));
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.floor(this.level + TOLERANCE);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.level = Math.min(this.capacity, this.level + (elapsed * this.perMinute) / 60_000);
    this.updatedAt = now;
  }
}

export interface Remaining {
  readonly requests?: number;
  readonly tokens?: number;
}

export type Admission =
  | { readonly admitted: true; readonly remaining: Remaining }
  | {
      readonly admitted: false;
      readonly retryAfterMs: number;
      /** Which quota ran out, in Azure's words: "call rate limit" or "token rate limit". */
      readonly limit: 'call' | 'token';
      readonly remaining: Remaining;
    };

/**
 * Azure-like quotas: a request is admitted only when both buckets hold enough, and then takes from both.
 * A request estimated above the token bucket's capacity costs the whole bucket, so it still passes once full.
 */
export class RateLimiter {
  private readonly requests: TokenBucket | undefined;
  private readonly tokens: TokenBucket | undefined;

  constructor(
    requestsPerMinute: number | undefined,
    tokensPerMinute: number | undefined,
    private readonly clock: () => number = () => performance.now(),
  ) {
    const now = clock();
    this.requests = requestsPerMinute === undefined ? undefined : new TokenBucket(requestsPerMinute, now);
    this.tokens = tokensPerMinute === undefined ? undefined : new TokenBucket(tokensPerMinute, now);
  }

  admit(estimatedTokens: number): Admission {
    const now = this.clock();
    const requestWait = this.requests?.waitFor(1, now) ?? 0;
    const tokenWait = this.tokens?.waitFor(estimatedTokens, now) ?? 0;
    if (requestWait > 0 || tokenWait > 0) {
      return {
        admitted: false,
        retryAfterMs: Math.max(requestWait, tokenWait),
        limit: tokenWait > requestWait ? 'token' : 'call',
        remaining: this.remaining(now),
      };
    }
    this.requests?.take(1, now);
    this.tokens?.take(estimatedTokens, now);
    return { admitted: true, remaining: this.remaining(now) };
  }

  private remaining(now: number): Remaining {
    return {
      ...(this.requests === undefined ? {} : { requests: this.requests.remaining(now) }),
      ...(this.tokens === undefined ? {} : { tokens: this.tokens.remaining(now) }),
    };
  }
}
