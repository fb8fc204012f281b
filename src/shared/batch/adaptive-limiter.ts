/**
 * An adaptive concurrency limit for calls against a shared quota (AIMD, as TCP does): it grows by about
 * one slot per round of successful calls, halves on a 429 (at most once per cooldown), and holds every
 * new call back until the upstream's retry-after has passed, so a burst of 429s does not become a storm.
 *
 * @example
 * const limiter = new AdaptiveLimiter({ initial: 4, max: 32 });
 * const release = await limiter.acquire();
 * try { await call(); limiter.succeeded(); } finally { release(); }
 */
export class AdaptiveLimiter {
  #limit: number;
  #inFlight = 0;
  #cooldownUntil = 0;
  #lastDecrease = 0;
  readonly #waiting: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #min: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: { initial: number; max: number; min?: number; now?: () => number }) {
    this.#min = options.min ?? 1;
    this.#max = options.max;
    this.#limit = Math.min(options.max, Math.max(this.#min, options.initial));
    this.#now = options.now ?? Date.now;
  }

  get limit(): number {
    return this.#limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Waits for a slot; call the returned function when the call is over, whatever its outcome. */
  async acquire(): Promise<() => void> {
    while (!this.#hasRoom()) {
      await new Promise<void>((resolve) => {
        this.#waiting.push(resolve);
        // In a cooldown with no call in flight, no release will come to wake this caller: the timer must.
        this.#wake();
      });
    }
    this.#inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight -= 1;
      this.#wake();
    };
  }

  succeeded(): void {
    this.#limit = Math.min(this.#max, this.#limit + 1 / this.#limit);
    this.#wake();
  }

  rateLimited(retryAfterMs: number): void {
    const now = this.#now();
    if (now >= this.#lastDecrease + Math.max(retryAfterMs, 100)) {
      this.#limit = Math.max(this.#min, this.#limit / 2);
      this.#lastDecrease = now;
    }
    this.#cooldownUntil = Math.max(this.#cooldownUntil, now + retryAfterMs);
    this.#wake();
  }

  #hasRoom(): boolean {
    return this.#inFlight < Math.floor(this.#limit) && this.#now() >= this.#cooldownUntil;
  }

  #wake(): void {
    const wait = this.#cooldownUntil - this.#now();
    if (wait > 0) {
      if (this.#timer === undefined && this.#waiting.length > 0) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#wake();
        }, wait);
      }
      return;
    }
    let room = Math.floor(this.#limit) - this.#inFlight;
    while (room > 0 && this.#waiting.length > 0) {
      this.#waiting.shift()?.();
      room -= 1;
    }
  }
}
