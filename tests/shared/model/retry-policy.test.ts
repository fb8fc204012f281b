import { APIConnectionError, APIConnectionTimeoutError } from 'openai';

import { loadOpenAI } from '../../../src/shared/lazy-modules';
import { classifyModelError } from '../../../src/shared/model/model-errors';
import { RetryBudgetExceededError, withRetries } from '../../../src/shared/model/retry-policy';

const policy = { maxRetries: 5, maxTotalWaitMs: 1000, baseDelayMs: 10, maxDelayMs: 100 };

describe('withRetries', () => {
  it('when an attempt fails with a retryable error, then it is retried until it succeeds', async () => {
    let calls = 0;
    const result = await withRetries(
      () => (++calls < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve('ok')),
      policy,
      () => ({ retry: true, retryAfterMs: 5 }),
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('when the upstream asks for a wait longer than the budget, then it gives up at once with that wait', async () => {
    const started = Date.now();
    const failure = withRetries(
      () => Promise.reject(new Error('429')),
      policy,
      () => ({ retry: true, retryAfterMs: 86_400_000 }),
    );
    await expect(failure).rejects.toBeInstanceOf(RetryBudgetExceededError);
    await expect(failure).rejects.toMatchObject({ retryAfterMs: 86_400_000, attempts: 1 });
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('when a failure is not retryable, then it is thrown as it is', async () => {
    const error = new Error('400');
    await expect(
      withRetries(
        () => Promise.reject(error),
        policy,
        () => ({ retry: false }),
      ),
    ).rejects.toBe(error);
  });

  it('when retries run out, then the budget error carries the number of attempts', async () => {
    let calls = 0;
    const failure = withRetries(
      () => {
        calls += 1;
        return Promise.reject(new Error('500'));
      },
      { ...policy, maxRetries: 2 },
      () => ({ retry: true }),
    );
    await expect(failure).rejects.toMatchObject({ attempts: 3 });
    expect(calls).toBe(3);
  });

  it('when the caller aborts during a wait, then the wait ends early', async () => {
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort(new Error('gone'));
    }, 50);
    const started = Date.now();
    await expect(
      withRetries(
        () => Promise.reject(new Error('503')),
        { ...policy, maxTotalWaitMs: 10_000 },
        () => ({ retry: true, retryAfterMs: 5000 }),
        controller.signal,
      ),
    ).rejects.toThrow('gone');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('classifyModelError', () => {
  // The app's openai client loads the package through loadOpenAI before any of its errors can exist.
  beforeAll(() => loadOpenAI());

  it('when the model request timed out, then it is not retried (the caller already waited a whole timeout)', () => {
    expect(classifyModelError(new APIConnectionTimeoutError())).toEqual({ retry: false });
  });

  it('when the connection failed, then it is retried', () => {
    expect(classifyModelError(new APIConnectionError({ message: 'refused' }))).toEqual({ retry: true });
  });
});
