import { z } from 'zod';

import { waitFor } from '../../dev/stack/ports';
import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const LIMITS = {
  QUOTA_REQUESTS_PER_MINUTE: '4',
  // The spender's turn is a prompt of about 2,850 tokens (system prompt, tools, 7,500 characters) and
  // uses about 2,200 (the simulator counts message characters / 4): two turns fit, the third does not.
  // Everyone else's turns (about 1,350 and 300) stay far below it.
  QUOTA_TOKENS_PER_DAY: '6000',
  QUOTA_BATCH_ITEMS_PER_DAY: '6',
  QUOTA_CONCURRENT_BATCH_JOBS: '1',
};

const LONG_MESSAGE = 'word '.repeat(1_500);
const SCHEMA = { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] };

const quotaError = z.object({
  error: z.object({
    code: z.literal('quota_exceeded'),
    message: z.string(),
    details: z.array(z.object({ code: z.string() })).min(1),
  }),
  correlationId: z.string(),
});

const usageSchema = z.object({
  quotas: z.array(
    z.object({
      name: z.string(),
      limit: z.number().nullable(),
      used: z.number(),
      remaining: z.number().nullable(),
      resetsAt: z.string().nullable(),
    }),
  ),
});

/** The quota named in a 429, after checking its shape and Retry-After. */
function refusedQuota(answer: { status: number; headers: Headers; body: unknown }): string {
  expect(answer.status).toBe(429);
  expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
  return quotaError.parse(answer.body).error.details[0]?.code ?? '';
}

describe('per-user quotas through two local hosts sharing the Cosmos counters', () => {
  let stack: TestStack;
  let first: string;
  let second: string;
  const users = {
    chatty: easyAuthHeaders('quota-chatty-0001'),
    spender: easyAuthHeaders('quota-spender-0002'),
    batcher: easyAuthHeaders('quota-batcher-0003'),
    runner: easyAuthHeaders('quota-runner-0004'),
    admin: easyAuthHeaders('quota-admin-0005', { roles: ['admin'] }),
    client: easyAuthHeaders('quota-client-0006'),
  };

  const chat = (base: string, user: Record<string, string>, message = 'hello') =>
    getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user },
      body: JSON.stringify({ message }),
    });
  const submit = (base: string, user: Record<string, string>, items: string[]) =>
    getJson(`${base}/api/batch-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user },
      body: JSON.stringify({ items, schema: SCHEMA }),
    });
  const usage = async (base: string, user: Record<string, string>) => {
    const { status, body } = await getJson(`${base}/api/me/usage`, { headers: user });
    expect(status).toBe(200);
    return Object.fromEntries(usageSchema.parse(body).quotas.map((quota) => [quota.name, quota]));
  };
  /** Waits until every item of the job a 202 answered has an outcome. */
  const untilDone = async (accepted: unknown, user: Record<string, string>) => {
    const { jobId } = z.object({ jobId: z.string() }).parse(accepted);
    const pending = async () =>
      z
        .object({ pending: z.number() })
        .parse((await getJson(`${first}/api/batch-jobs/${jobId}`, { headers: user })).body).pending;
    await waitFor(async () => (await pending()) === 0, 60_000, `batch job ${jobId}`);
  };
  /** Waits until the current minute has at least `seconds` left, so a test never straddles a window. */
  const awayFromMinuteEnd = async (seconds = 20) => {
    const left = 60 - new Date().getUTCSeconds();
    if (left < seconds) await new Promise((resolve) => setTimeout(resolve, left * 1_000 + 200));
  };

  beforeAll(async () => {
    stack = await startTestStack();
    const settings = {
      AUTH_MODE: 'easyauth',
      ...LIMITS,
      QUOTA_ADMIN_LIMITS: 'requests_per_minute=0,tokens_per_day=0',
    };
    first = (await stack.startHost(settings)).url;
    second = (await stack.startAnotherHost(settings)).url;
  }, 120_000);
  afterAll(() => stack.stop());

  it('when one user goes over the requests-per-minute quota across both hosts, then they get 429 and the others are served', async () => {
    await awayFromMinuteEnd();
    const answers = [];
    for (let index = 0; index < 6; index++)
      answers.push(await chat(index % 2 === 0 ? first : second, users.chatty));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(4);
    expect(refusedQuota(answers[4] ?? { status: 0, headers: new Headers(), body: null })).toBe(
      'requests_per_minute',
    );
    expect((await chat(second, users.spender)).status).toBe(200);
    expect((await chat(first, users.admin)).status).toBe(200);

    const seen = await usage(second, users.chatty);
    expect(seen.requests_per_minute).toMatchObject({ limit: 4, used: 4, remaining: 0 });
    expect(Date.parse(seen.requests_per_minute?.resetsAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('when one user spreads requests over the OpenAI-compatible and UI-stream routes, then they count against the same quota, and the OpenAI route refuses in its own error format', async () => {
    await awayFromMinuteEnd();
    const post = (base: string, path: string, body: unknown) =>
      getJson(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...users.client },
        body: JSON.stringify(body),
      });
    const openai = (base: string) =>
      post(base, '/api/openai/v1/chat/completions', {
        model: 'chat',
        messages: [{ role: 'user', content: 'hello' }],
      });
    const ui = (base: string) =>
      post(base, '/api/chat/ui', {
        id: 'quota-ui-chat',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hello' }] }],
      });

    const served = [await openai(first), await ui(second), await openai(second), await ui(first)];
    expect(served.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);

    const refused = await openai(first);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body).toMatchObject({ error: { code: 'quota_exceeded', message: expect.any(String) } });
    expect((await ui(second)).status).toBe(429);
  });

  it('when one user spends their tokens for the day, then the next turn is refused before the model is called', async () => {
    await awayFromMinuteEnd();
    let refused: { status: number; headers: Headers; body: unknown } | undefined;
    const served: number[] = [];
    let modelCallsOfRefused: number | undefined;
    for (let index = 0; index < 3 && refused === undefined; index++) {
      const before = stack.model?.stats().requests ?? 0;
      const answer = await chat(index % 2 === 0 ? first : second, users.spender, LONG_MESSAGE);
      if (answer.status === 200) served.push(index);
      else {
        refused = answer;
        modelCallsOfRefused = (stack.model?.stats().requests ?? 0) - before;
      }
      // Past the cache's 2 s and the half-second flush: each host then reads what the other one counted.
      await new Promise((resolve) => setTimeout(resolve, 2_600));
    }
    expect(served).toEqual([0, 1]);
    expect(refusedQuota(refused ?? { status: 0, headers: new Headers(), body: null })).toBe('tokens_per_day');
    expect(modelCallsOfRefused).toBe(0);
    const seen = await usage(first, users.spender);
    expect(seen.tokens_per_day?.limit).toBe(6000);
    expect(seen.tokens_per_day?.used).toBeGreaterThan(0);
    expect((await chat(second, users.batcher)).status).toBe(200);
  });

  it('when a batch is larger than what is left of the day, then it is refused whole, and smaller ones are not', async () => {
    expect(refusedQuota(await submit(first, users.batcher, ['a', 'b', 'c', 'd', 'e', 'f', 'g']))).toBe(
      'batch_items_per_day',
    );
    const accepted = await submit(second, users.batcher, ['a', 'b', 'c', 'd']);
    expect(accepted.status).toBe(202);
    await untilDone(accepted.body, users.batcher);
    expect(refusedQuota(await submit(first, users.batcher, ['x', 'y', 'z']))).toBe('batch_items_per_day');
    expect((await submit(second, users.batcher, ['x', 'y'])).status).toBe(202);
    expect((await usage(first, users.batcher)).batch_items_per_day).toMatchObject({ used: 6, remaining: 0 });
    expect((await submit(first, users.chatty, ['r'])).status).toBe(202);
  });

  it('when a user already runs as many batch jobs as allowed, then another is refused until one completes', async () => {
    stack.model?.configure({ timeToFirstTokenMs: 1_500 });
    try {
      const running = await submit(first, users.runner, ['slow one']);
      expect(running.status).toBe(202);
      expect(refusedQuota(await submit(second, users.runner, ['too many']))).toBe('concurrent_batch_jobs');
      expect((await usage(second, users.runner)).concurrent_batch_jobs).toMatchObject({ limit: 1, used: 1 });
      await untilDone(running.body, users.runner);
    } finally {
      stack.model?.configure({ timeToFirstTokenMs: 0 });
    }
    await waitFor(
      async () => (await usage(first, users.runner)).concurrent_batch_jobs?.used === 0,
      10_000,
      'the job slot to be released',
    );
    expect((await submit(second, users.runner, ['next one'])).status).toBe(202);
  });
});
