import fc from 'fast-check';

import { AdaptiveLimiter } from '../../../src/shared/batch/adaptive-limiter';

/** Resolves to 'waiting' when `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<'waiting'>((resolve) => {
    timer = setTimeout(() => {
      resolve('waiting');
    }, ms);
  });
  try {
    return await Promise.race([promise, waiting]);
  } finally {
    clearTimeout(timer);
  }
}

describe('AdaptiveLimiter', () => {
  it('when the only caller is rate limited, then its next call goes ahead once the retry-after has passed', async () => {
    const limiter = new AdaptiveLimiter({ initial: 2, max: 4 });
    const release = await limiter.acquire();
    limiter.rateLimited(50);
    release();
    const started = Date.now();
    const next = await within(limiter.acquire(), 2_000);
    expect(next).not.toBe('waiting');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    if (next !== 'waiting') next();
  });

  it('when every slot is taken, then a caller waits for a release', async () => {
    const limiter = new AdaptiveLimiter({ initial: 1, max: 1 });
    const release = await limiter.acquire();
    const next = limiter.acquire();
    expect(await within(next, 50)).toBe('waiting');
    release();
    const second = await within(next, 1_000);
    expect(second).not.toBe('waiting');
    if (second !== 'waiting') second();
  });

  it('when calls are rate limited, then the limit halves, and successes grow it back', () => {
    let now = 1_000_000;
    const limiter = new AdaptiveLimiter({ initial: 8, max: 8, now: () => now });
    limiter.rateLimited(100);
    expect(limiter.limit).toBe(4);
    limiter.rateLimited(100); // within the cooldown: one 429 storm halves the limit once
    expect(limiter.limit).toBe(4);
    now += 1_000;
    for (let call = 0; call < 8; call++) limiter.succeeded();
    expect(limiter.limit).toBeGreaterThan(5);
  });
});

describe('AdaptiveLimiter, over random sequences (fast-check, fake clock)', () => {
  type Step =
    | { kind: 'acquire' }
    | { kind: 'release'; pick: number }
    | { kind: 'rate-limited'; retryAfterMs: number }
    | { kind: 'succeeded' }
    | { kind: 'time'; ms: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant<Step>({ kind: 'acquire' }),
    fc.nat(100).map((pick): Step => ({ kind: 'release', pick })),
    fc.integer({ min: 1, max: 5_000 }).map((retryAfterMs): Step => ({ kind: 'rate-limited', retryAfterMs })),
    fc.constant<Step>({ kind: 'succeeded' }),
    fc.integer({ min: 1, max: 3_000 }).map((ms): Step => ({ kind: 'time', ms })),
  );

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('when acquire, release, rate limits and time passing come in any order, then no waiter waits past the cooldown while there is room', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        const limiter = new AdaptiveLimiter({ initial: 2, max: 4, now: () => Date.now() });
        const held: (() => void)[] = [];
        let waiting = 0;
        let cooldownUntil = 0;
        const settle = () => jest.advanceTimersByTimeAsync(0);
        for (const next of steps) {
          if (next.kind === 'acquire') {
            waiting += 1;
            void limiter.acquire().then((release) => {
              waiting -= 1;
              held.push(release);
            });
          } else if (next.kind === 'release' && held.length > 0) {
            held.splice(next.pick % held.length, 1)[0]?.();
          } else if (next.kind === 'rate-limited') {
            limiter.rateLimited(next.retryAfterMs);
            cooldownUntil = Math.max(cooldownUntil, Date.now() + next.retryAfterMs);
          } else if (next.kind === 'succeeded') {
            limiter.succeeded();
          } else if (next.kind === 'time') {
            await jest.advanceTimersByTimeAsync(next.ms);
          }
          await settle();
          const room = limiter.inFlight < Math.floor(limiter.limit) && Date.now() >= cooldownUntil;
          // A caller still parked while a slot is free and the cooldown is over is a lost wake-up.
          expect(waiting > 0 && room).toBe(false);
        }
        // However the sequence ended, once the cooldown passes and slots free up, every waiter gets in.
        while (held.length > 0) held.pop()?.();
        await jest.advanceTimersByTimeAsync(Math.max(0, cooldownUntil - Date.now()) + 1);
        for (let round = 0; round < 100 && waiting > 0; round++) {
          while (held.length > 0) held.pop()?.();
          await settle();
        }
        expect(waiting).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
