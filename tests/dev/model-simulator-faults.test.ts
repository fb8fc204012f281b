import { setTimeout as sleep } from 'node:timers/promises';

import { APIConnectionError, APIError, AzureOpenAI } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';

import {
  type ModelSimulator,
  type ModelSimulatorStats,
  startModelSimulator,
} from '../../dev/model-simulator';
import { errorOf } from '../support/api-error';

const API_KEY = 'local-key';

let simulator: ModelSimulator;
let client: AzureOpenAI;

const user = (content: string): ChatCompletionMessageParam[] => [{ role: 'user', content }];
const lookup = z.object({ code: z.number().int().min(1) });
const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'lookup', parameters: z.toJSONSchema(lookup) },
  },
];

function ask(content: string): Promise<unknown> {
  return client.chat.completions.create({ model: 'chat', messages: user(content) });
}

async function statusOf(content: string): Promise<number> {
  try {
    await ask(content);
    return 200;
  } catch (error) {
    const status: unknown = error instanceof APIError ? error.status : undefined;
    if (typeof status === 'number') return status;
    throw error;
  }
}

async function waitForStats(
  predicate: (stats: ModelSimulatorStats) => boolean,
): Promise<ModelSimulatorStats> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (predicate(simulator.stats())) return simulator.stats();
    await sleep(20);
  }
  return simulator.stats();
}

function control(path: string, method: string, body?: unknown): Promise<Response> {
  return fetch(`${simulator.url}/_simulator/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
}

beforeAll(async () => {
  // These tests drive the classic path with a dated api-version: a classic deployment takes it.
  simulator = await startModelSimulator({ apiKey: API_KEY, deployments: ['chat:classic'] });
  client = new AzureOpenAI({
    endpoint: simulator.url,
    apiKey: API_KEY,
    apiVersion: '2024-10-21',
    deployment: 'chat',
    maxRetries: 0,
  });
});

afterAll(async () => {
  await simulator.close();
});

afterEach(() => {
  simulator.configure({
    timeToFirstTokenMs: 0,
    perTokenDelayMs: 0,
    requestsPerMinute: undefined,
    tokensPerMinute: undefined,
    failureRate429: 0,
    failureRate500: 0,
    failureRateReset: 0,
  });
  simulator.resetStats();
});

describe('magic phrases', () => {
  test('when [sim:content-filter] is asked, then Azure content filter 400 comes back', async () => {
    const error = await errorOf(ask('tell me [sim:content-filter]'));

    expect(error.status).toBe(400);
    expect(error.code).toBe('content_filter');
    expect(error.error).toMatchObject({
      param: 'prompt',
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: { hate: { filtered: true, severity: 'high' } },
      },
    });
  });

  test('when [sim:malformed-args] is asked, then the first round has unparsable arguments and the next does not', async () => {
    const first = await client.chat.completions.create({
      model: 'chat',
      tools,
      messages: user('[sim:malformed-args]'),
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    const second = await client.chat.completions.create({
      model: 'chat',
      tools,
      messages: [
        ...user('[sim:malformed-args]'),
        { role: 'assistant', content: null, tool_calls: first.choices[0]?.message.tool_calls ?? [] },
        { role: 'tool', tool_call_id: call?.id ?? '', content: 'error: arguments are not JSON' },
      ],
    });

    expect(call?.type === 'function' && call.function.name).toBe('lookup');
    const parse = (): unknown => JSON.parse(call?.type === 'function' ? call.function.arguments : '');
    expect(parse).toThrow(SyntaxError);
    expect(second.choices[0]?.message.content).toBe(
      'Summary of tool results: lookup: error: arguments are not JSON',
    );
  });

  test('when [sim:unknown-tool] is asked, then no_such_tool is called with {}', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      tools,
      messages: user('[sim:unknown-tool]'),
    });

    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && [call.function.name, call.function.arguments]).toEqual([
      'no_such_tool',
      '{}',
    ]);
  });

  test('when [sim:always-tools] is asked, then the tool is called again after its result', async () => {
    const completion = await client.chat.completions.create({
      model: 'chat',
      tools,
      messages: [
        ...user('[sim:always-tools] code 7'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"code":7}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'found' },
      ],
    });

    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ code: 7 });
  });

  test('when [sim:mid-stream-error] is streamed, then some content arrives before the client throws', async () => {
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: user('[sim:mid-stream-error] one two three four'),
      stream: true,
    });
    let text = '';
    const error = await errorOf(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );

    expect(text.length).toBeGreaterThan(0);
    expect(`Simulated answer: [sim:mid-stream-error] one two three four`.startsWith(text)).toBe(true);
    expect(text).not.toContain('four');
    expect(error.message).toContain('The server had an error');
  });

  test('when [sim:mid-stream-error] is not streamed, then the answer is 500', async () => {
    const error = await errorOf(ask('[sim:mid-stream-error]'));

    expect(error.status).toBe(500);
    expect(error.code).toBe('InternalServerError');
  });

  test('when [sim:invalid-args] is asked with a forced tool, then every answer breaks the schema', async () => {
    const request = {
      model: 'chat',
      tools,
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      messages: user('[sim:invalid-args] code 7'),
    } as const;

    for (const completion of [
      await client.chat.completions.create(request),
      await client.chat.completions.create(request),
    ]) {
      const call = completion.choices[0]?.message.tool_calls?.[0];
      const json: unknown = call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined;
      expect(lookup.safeParse(json).success).toBe(false);
    }
  });

  test('when [sim:retry-after:3] is asked, then 429 has retry-after 3 and no retry-after-ms', async () => {
    const error = await errorOf(ask('[sim:retry-after:3]'));

    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(error.headers?.get('retry-after-ms')).toBeNull();
    expect(error.message).toContain('Please retry after 3 seconds');
  });
});

describe('rate limits and faults', () => {
  test('when the request quota is used up, then 429 says how long to wait in ms and seconds', async () => {
    simulator.configure({ requestsPerMinute: 6 });

    const { response } = await client.chat.completions
      .create({ model: 'chat', messages: user('first') })
      .withResponse();
    const error = await errorOf(ask('second'));

    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.status).toBe(429);
    expect(error.code).toBe('429');
    const retryAfterMs = Number(error.headers?.get('retry-after-ms'));
    expect(retryAfterMs).toBeGreaterThan(9_000);
    expect(retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(error.headers?.get('retry-after')).toBe(String(Math.ceil(retryAfterMs / 1000)));
    expect(error.message).toContain('API version 2024-10-21 have exceeded call rate limit');
    expect(simulator.stats()).toMatchObject({ requests: 2, rateLimited: 1 });
  });

  test('when the token quota is used up, then 429 names the token rate limit', async () => {
    simulator.configure({ tokensPerMinute: 1_200 });

    const { response } = await client.chat.completions
      .create({ model: 'chat', messages: user('12345678'), max_completion_tokens: 150 })
      .withResponse();
    const error = await errorOf(ask('again'));

    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('48');
    expect(error.status).toBe(429);
    expect(error.message).toContain('exceeded token rate limit');
  });

  test('when a client waits retry-after-ms, then its next request passes', async () => {
    simulator.configure({ requestsPerMinute: 1_200 });
    let admitted = 0;
    let refusal: APIError | undefined;
    // The refusal that ends the burst is the one read: a further request could find a refilled token.
    while (refusal === undefined && admitted < 1_000) {
      try {
        await ask('burst');
        admitted += 1;
      } catch (error) {
        if (!(error instanceof APIError)) throw error;
        refusal = error;
      }
    }
    expect(refusal?.status).toBe(429);
    await sleep(Number(refusal?.headers?.get('retry-after-ms')));

    // The burst (a tenth of a minute's requests) passes; the refusal above shows the limit holds.
    expect(admitted).toBeGreaterThanOrEqual(200);
    expect(await statusOf('after waiting')).toBe(200);
  });

  test('when 500s are injected at rate 1, then every request fails and is counted', async () => {
    simulator.configure({ failureRate500: 1 });

    const error = await errorOf(ask('hi'));

    expect(error.status).toBe(500);
    expect(error.message).toContain('The server had an error while processing your request');
    expect(simulator.stats()).toMatchObject({ requests: 1, injectedFailures: 1 });
  });

  test('when resets are injected at rate 1, then the connection drops with no answer and is counted', async () => {
    simulator.configure({ failureRateReset: 1 });

    const error = await ask('hi').then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(APIConnectionError);
    // The openai client wraps fetch's TypeError, whose cause is the socket's error.
    const socketError = ((error as APIConnectionError).cause as { cause?: { code?: string } } | undefined)
      ?.cause;
    expect(socketError?.code).toBe('ECONNRESET');
    expect(await waitForStats((stats) => stats.aborted === 1)).toMatchObject({
      requests: 1,
      injectedFailures: 1,
      completed: 0,
      aborted: 1,
    });
    simulator.configure({ failureRateReset: 0 });
    expect(await statusOf('hi')).toBe(200);
  });

  test('when 429s are injected at rate 1, then retry-after-ms is the configured one', async () => {
    simulator.configure({ failureRate429: 1, injectedRetryAfterMs: 1_500 });

    const error = await errorOf(ask('hi'));

    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after-ms')).toBe('1500');
    expect(error.headers?.get('retry-after')).toBe('2');
  });

  test('when the same seed is set again, then the same requests fail', async () => {
    const run = async (): Promise<number[]> => {
      simulator.configure({ failureRate500: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let index = 0; index < 12; index += 1) statuses.push(await statusOf('hi'));
      return statuses;
    };

    const first = await run();
    const second = await run();

    expect(second).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(500);
  });

  test('when responses are scripted, then they are answered in order before any check', async () => {
    simulator.scriptNext(
      { status: 503, headers: { 'x-scripted': 'yes' }, body: { error: { code: 'Busy', message: 'busy' } } },
      {
        status: 200,
        body: { id: 'scripted', object: 'chat.completion', created: 1, model: 'chat', choices: [] },
      },
    );
    const unauthorized = new AzureOpenAI({
      endpoint: simulator.url,
      apiKey: 'wrong',
      apiVersion: '2024-10-21',
      deployment: 'chat',
      maxRetries: 0,
    });

    const error = await errorOf(ask('hi'));
    const scripted = await unauthorized.chat.completions.create({ model: 'chat', messages: user('hi') });
    const afterwards = await errorOf(
      unauthorized.chat.completions.create({ model: 'chat', messages: user('hi') }),
    );

    expect([error.status, error.code, error.headers?.get('x-scripted')]).toEqual([503, 'Busy', 'yes']);
    expect(scripted.id).toBe('scripted');
    expect(afterwards.status).toBe(401);
  });
});

describe('timing and disconnects', () => {
  test('when time to first token is set, then a whole answer waits for it', async () => {
    simulator.configure({ timeToFirstTokenMs: 150 });
    const started = performance.now();

    await ask('hi');

    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('when tokens are delayed, then streamed deltas arrive spread out', async () => {
    simulator.configure({ timeToFirstTokenMs: 60, perTokenDelayMs: 30 });
    const started = performance.now();
    const arrivals: number[] = [];

    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: user('a b c'),
      stream: true,
    });
    for await (const chunk of stream) {
      if ((chunk.choices[0]?.delta.content ?? '') !== '') arrivals.push(performance.now() - started);
    }

    expect(arrivals).toHaveLength(5);
    expect(arrivals[0]).toBeGreaterThanOrEqual(50);
    expect((arrivals[4] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(100);
  });

  test('when the client aborts mid-stream, then the request is counted as aborted', async () => {
    simulator.configure({ perTokenDelayMs: 40 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'chat', messages: user('a long answer that takes a while to stream'), stream: true },
      { signal: controller.signal },
    );

    let received = '';
    // The SDK ends the iteration quietly when its signal aborts.
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta.content ?? '';
      if (received !== '') controller.abort();
    }
    const stats = await waitForStats((current) => current.aborted === 1);

    expect(received).toBe('Simulated');
    expect(stats).toMatchObject({ requests: 1, aborted: 1, completed: 0, inFlight: 0, maxInFlight: 1 });
  });

  test('when requests overlap, then maxInFlight counts them', async () => {
    simulator.configure({ timeToFirstTokenMs: 100 });

    await Promise.all([ask('one'), ask('two'), ask('three')]);

    expect(simulator.stats()).toMatchObject({ requests: 3, completed: 3, inFlight: 0, maxInFlight: 3 });
  });
});

describe('control routes', () => {
  test('when stats are read over HTTP, then they match stats()', async () => {
    await ask('hi');

    const response = await control('stats', 'GET');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(simulator.stats());
    expect(simulator.stats().completed).toBe(1);
  });

  test('when reset is posted, then the counters start again', async () => {
    await ask('hi');

    const response = await control('reset', 'POST');

    expect(response.status).toBe(204);
    expect(simulator.stats()).toMatchObject({ requests: 0, completed: 0 });
  });

  test('when config is put, then the simulator follows it', async () => {
    const response = await control('config', 'PUT', {
      deployments: ['chat:classic', 'gpt-4o:classic'],
      failureRate500: 1,
    });

    expect(response.status).toBe(204);
    expect(await statusOf('hi')).toBe(500);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['chat', 'gpt-4o']);
    await control('config', 'PUT', { deployments: ['chat:classic'] });
  });

  test('when config is invalid, then the answer is 400 and nothing changes', async () => {
    const badRate = await control('config', 'PUT', { failureRate500: 2 });
    const badKey = await control('config', 'PUT', { port: 1234 });

    expect([badRate.status, badKey.status]).toEqual([400, 400]);
    expect(await statusOf('hi')).toBe(200);
  });

  test('when a script is posted, then the next chat request gets it', async () => {
    const response = await control('script', 'POST', [
      { status: 418, body: { error: { code: 'Teapot', message: 't' } } },
    ]);
    const invalid = await control('script', 'POST', [{ status: 'teapot' }]);

    expect([response.status, invalid.status]).toEqual([204, 400]);
    expect(await statusOf('hi')).toBe(418);
    expect(await statusOf('hi')).toBe(200);
  });
});
