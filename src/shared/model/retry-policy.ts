import { ensureError } from '../errors';

export interface RetryPolicy {
  readonly maxRetries: number;
  /** Cap on the total time spent waiting between attempts of one request. */
  readonly maxTotalWaitMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** What the caller's classifier says about a failure. */
export type RetryVerdict =
  { readonly retry: false } | { readonly retry: true; readonly retryAfterMs?: number };

/** Thrown when waiting for the next attempt would exceed the budget: the caller answers fast, with Retry-After. */
export class RetryBudgetExceededError extends Error {
  constructor(
    readonly lastError: unknown,
    readonly retryAfterMs: number,
    readonly attempts: number,
  ) {
    super(`gave up after ${attempts} attempt(s); the next retry would wait ${retryAfterMs} ms`);
    this.name = 'RetryBudgetExceededError';
  }
}

/**
 * Runs `attempt` until it succeeds, the failure is not retryable, retries run out, or the total wait
 * would pass the budget. The upstream's retry-after is honoured but never waited on past the budget.
 *
 * @example
 * await withRetries((n) => client.create(body), policy, classify, signal);
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  classify: (error: unknown) => RetryVerdict,
  signal?: AbortSignal,
  random: () => number = Math.random,
): Promise<T> {
  let waited = 0;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const verdict = classify(error);
      if (!verdict.retry || signal?.aborted === true) throw error;
      const backoff = Math.min(policy.baseDelayMs * 2 ** (attemptNumber - 1), policy.maxDelayMs);
      const delay = verdict.retryAfterMs ?? Math.round(backoff * (0.75 + random() * 0.5));
      if (attemptNumber > policy.maxRetries || waited + delay > policy.maxTotalWaitMs) {
        throw new RetryBudgetExceededError(error, delay, attemptNumber);
      }
      waited += delay;
      await sleep(delay, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(ensureError(signal.reason));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(ensureError(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
