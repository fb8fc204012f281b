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
