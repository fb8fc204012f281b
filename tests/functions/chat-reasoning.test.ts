import type { ChatRequest as SimulatorRequest } from '../../dev/model-simulator/chat-request';
import { postJson, startTestStack, type TestStack } from '../support/test-stack';

/**
 * Chat and completions through the local host against a reasoning deployment (the simulator's GPT-5
 * profile, gpt-5.4-mini): the measured defects of issue 12, then what the app sends and answers.
 */
const post = (base: string, path: string, body: unknown) => postJson(`${base}${path}`, body);

interface Answer {
  finishReason: string;
  warnings?: { code: string; param: string; message: string }[];
  usage: Record<string, number>;
  intent?: string;
  response?: string;
}

describe('a reasoning deployment through the local host', () => {
  let stack: TestStack;
  const simulator = () => {
    if (stack.model === undefined) throw new Error('no model simulator');
    return stack.model;
  };
  /** The bodies the simulator received since `before` requests ago. */
  const sentSince = (before: number): readonly SimulatorRequest[] =>
    simulator().recentRequests().slice(before);
  const recentCount = () => simulator().recentRequests().length;

  beforeAll(async () => {
    stack = await startTestStack({ model: { deployments: ['chat:reasoning'] } });
  });
  afterAll(() => stack.stop());

  describe('with the default settings (the v1 API)', () => {
    let base: string;
    beforeAll(async () => {
      base = (await stack.startHost()).url;
    });
    afterAll(() => stack.host().stop());

    it('when a chat message and a completion are sent, then both answer 200', async () => {
      const chat = await post(base, '/api/chat', { message: 'Hello there' });
      const completion = await post(base, '/api/completions', { prompt: 'What is an orange?' });

      expect([chat.status, completion.status]).toEqual([200, 200]);
    });

    it('when a temperature is sent the first time, then Azure refuses it once, the answer succeeds with a warning, and the next request does not send it', async () => {
      // A fresh host knows nothing about the deployment yet.
      await stack.host().stop();
      base = (await stack.startHost()).url;
      simulator().resetStats();
      const before = recentCount();

      const first = await post(base, '/api/completions', { prompt: 'Hello', temperature: 0.7 });
      const second = await post(base, '/api/chat', {
        messages: [{ role: 'user', content: 'Hello again' }],
        temperature: 0.7,
      });

      for (const { status, body } of [first, second]) {
        expect(status).toBe(200);
        expect((body as Answer).warnings).toEqual([
          {
            code: 'parameter_ignored',
            param: 'temperature',
            message: expect.stringContaining("The deployment 'chat'"),
          },
        ]);
      }
      expect(simulator().stats().refused).toBe(1);
      const sent = sentSince(before);
      expect(sent.map((request) => request.temperature ?? null)).toEqual([0.7, null, null]);
    });

    it('when maxTokens is sent, or nothing, then the budget goes as max_completion_tokens, the default being CHAT_MAX_COMPLETION_TOKENS', async () => {
      const before = recentCount();
      const withBudget = await post(base, '/api/chat', { message: 'Hello', maxTokens: 500 });
      const withDefault = await post(base, '/api/completions', { prompt: 'Hello' });

      expect([withBudget.status, withDefault.status]).toEqual([200, 200]);
      const [chatCall, completionCall] = sentSince(before);
      expect(chatCall).toMatchObject({ max_completion_tokens: 500 });
      expect(completionCall).toMatchObject({ max_completion_tokens: 2048 });
      for (const call of [chatCall, completionCall]) expect(call).not.toHaveProperty('max_tokens');
    });

    it('when the deployment is known to reason, then the system prompt goes in the developer role and the default effort with it', async () => {
      const before = recentCount();
      await post(base, '/api/completions', { prompt: 'Hello' });

      const [call] = sentSince(before);
      expect(call?.messages[0]?.role).toBe('developer');
      expect(call?.reasoning_effort).toBe('low');
    });

    it('when reasoningEffort and verbosity are sent to completions, then they reach the model and the reasoning shows in usage', async () => {
      const before = recentCount();
      const { status, body } = await post(base, '/api/completions', {
        prompt: 'Explain oranges',
        reasoningEffort: 'high',
        verbosity: 'low',
      });

      expect(status).toBe(200);
      expect(sentSince(before)[0]).toMatchObject({ reasoning_effort: 'high', verbosity: 'low' });
      expect((body as Answer).usage).toMatchObject({ reasoning_tokens: 512, cached_tokens: 0 });
      expect((body as Answer).warnings).toBeUndefined();
    });

    it('when a chat turn offers tools, then this GPT-5.4 deployment gets reasoning effort none without a refusal, and a caller effort is reported', async () => {
      simulator().resetStats();
      const before = recentCount();
      const { status, body } = await post(base, '/api/chat', { message: 'Hello', reasoningEffort: 'high' });

      expect(status).toBe(200);
      expect(sentSince(before)[0]).toMatchObject({ reasoning_effort: 'none' });
      expect(simulator().stats().refused).toBe(0);
      expect((body as Answer).warnings).toEqual([
        {
          code: 'parameter_ignored',
          param: 'reasoningEffort',
          message: expect.stringContaining('no reasoning effort together with tools') as unknown,
        },
      ]);
    });

    it('when an effort the model lacks is asked, then it is refused once, the answer uses the default, and the next request does not send it', async () => {
      simulator().resetStats();
      const ask = () => post(base, '/api/completions', { prompt: 'Hi', reasoningEffort: 'minimal' });
      const first = await ask();
      const second = await ask();

      for (const { status, body } of [first, second]) {
        expect(status).toBe(200);
        expect((body as Answer).warnings?.map((warning) => warning.param)).toEqual(['reasoningEffort']);
      }
      expect(simulator().stats().refused).toBe(1);
    });

    it('when a dated api-version too old for the model is set, then the answer is 502 naming the setting and the fix', async () => {
      await stack.host().stop();
      base = (await stack.startHost({ AZURE_OPENAI_API_VERSION: '2024-10-21' })).url;
      const { status, body } = await post(base, '/api/chat', { message: 'Hello' });
      await stack.host().stop();
      base = (await stack.startHost()).url;

      expect(status).toBe(502);
      expect(body).toMatchObject({
        error: {
          code: 'model_api_version_unsupported',
          message: expect.stringContaining('unset it to use the v1 API') as unknown,
        },
      });
    });
  });

  describe('with a GPT-5.6 deployment, which reasons by default', () => {
    let base: string;
    beforeAll(async () => {
      simulator().configure({ deployments: ['chat:reasoning@gpt-5.6-luna-2026-07-09'] });
      base = (await stack.startHost()).url;
    });
    afterAll(async () => {
      await stack.host().stop();
      simulator().configure({ deployments: ['chat:reasoning'] });
    });

    it('when a chat turn offers tools with no effort sent, then Azure refuses once, the turn retries with none and answers, and later turns send none at once', async () => {
      simulator().resetStats();
      const before = recentCount();
      const first = await post(base, '/api/chat', { message: 'Hello' });
      const second = await post(base, '/api/chat', { message: 'Hello again' });

      expect([first.status, second.status]).toEqual([200, 200]);
      expect(simulator().stats().refused).toBe(1);
      expect(sentSince(before).map((request) => request.reasoning_effort ?? null)).toEqual([
        null,
        'none',
        'none',
      ]);
    });
  });

  describe('with a dated api-version new enough for reasoning models (the classic path)', () => {
    let base: string;
    beforeAll(async () => {
      base = (await stack.startHost({ AZURE_OPENAI_API_VERSION: '2025-04-01-preview' })).url;
    });
    afterAll(() => stack.host().stop());

    it.each([
      ['chat with maxTokens', '/api/chat', { message: 'Hello', maxTokens: 500 }],
      ['chat with temperature', '/api/chat', { message: 'Hello', temperature: 0.7 }],
      ['completions with maxTokens', '/api/completions', { prompt: 'Hello', maxTokens: 500 }],
      ['completions with temperature', '/api/completions', { prompt: 'Hello', temperature: 0.7 }],
    ])('when %s is sent, then it answers 200', async (_name, path, body) => {
      const { status } = await post(base, path, body);

      expect(status).toBe(200);
    });
  });

  describe('with AZURE_OPENAI_MODEL_FAMILY=reasoning and a long system prompt', () => {
    let base: string;
    beforeAll(async () => {
      base = (
        await stack.startHost({
          AZURE_OPENAI_MODEL_FAMILY: 'reasoning',
          CHAT_SYSTEM_PROMPT: `You answer questions. ${'Follow the house rules. '.repeat(200)}`,
        })
      ).url;
    });
    afterAll(() => stack.host().stop());

    it('when the first request has a temperature, then it is not sent at all, and a repeated prompt prefix shows as cached tokens', async () => {
      simulator().resetStats();
      const before = recentCount();
      const first = await post(base, '/api/completions', { prompt: 'Hello', temperature: 0.3 });
      const chat = await post(base, '/api/chat', { message: 'Hello' });
      const again = await post(base, '/api/chat', { message: 'Hello again' });

      expect([first.status, chat.status, again.status]).toEqual([200, 200, 200]);
      expect(simulator().stats().refused).toBe(0);
      const [call] = sentSince(before);
      expect(call).not.toHaveProperty('temperature');
      expect(call).toMatchObject({ reasoning_effort: 'low' });
      expect(call?.messages[0]?.role).toBe('developer');
      expect((first.body as Answer).warnings?.map((warning) => warning.param)).toEqual(['temperature']);
      expect((chat.body as Answer).usage.cached_tokens).toBe(0);
      expect((again.body as Answer).usage.cached_tokens).toBeGreaterThan(1000);
    });
  });
});
