import type { ChatRequest as SimulatorRequest } from '../../dev/model-simulator/chat-request';
import { postJson, startTestStack, type TestStack } from '../support/test-stack';

/**
 * The same app against a classic deployment (the simulator's classic profile, gpt-4o-mini), picked
 * with `model` from the allowlist next to the default reasoning deployment: it works unchanged.
 */
const post = (base: string, path: string, body: unknown) => postJson(`${base}${path}`, body);

interface Answer {
  finishReason: string;
  intent: string;
  answer_md: string;
  warnings?: { code: string; param: string }[];
  usage: Record<string, number>;
}

describe('a classic deployment (needs the classic profile) through the local host', () => {
  let stack: TestStack;
  let base: string;
  const simulator = () => {
    if (stack.model === undefined) throw new Error('no model simulator');
    return stack.model;
  };
  const sentSince = (before: number): readonly SimulatorRequest[] =>
    simulator().recentRequests().slice(before);

  beforeAll(async () => {
    stack = await startTestStack({
      settings: { AZURE_OPENAI_ALLOWED_DEPLOYMENTS: 'legacy' },
      model: { deployments: ['chat:reasoning', 'legacy:classic'] },
    });
    base = (await stack.startHost()).url;
  });
  afterAll(() => stack.stop());

  it('when message, messages, maxTokens and temperature are sent, then they reach the model as sent, system prompt as system', async () => {
    const before = simulator().recentRequests().length;
    const one = await post(base, '/api/chat', { message: 'Hello', model: 'legacy', temperature: 0.2 });
    const many = await post(base, '/api/chat', {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      model: 'legacy',
      maxTokens: 300,
      temperature: 0.4,
    });

    expect([one.status, many.status]).toEqual([200, 200]);
    for (const { body } of [one, many]) {
      expect(body).toMatchObject({ finishReason: 'stop', intent: 'answer' });
      expect((body as Answer).warnings).toBeUndefined();
      expect((body as Answer).usage.reasoning_tokens).toBe(0);
    }
    const [first, second] = sentSince(before);
    expect(first).toMatchObject({ model: 'legacy', temperature: 0.2, max_completion_tokens: 2048 });
    expect(second).toMatchObject({ temperature: 0.4, max_completion_tokens: 300 });
    expect(second?.messages.map((message) => message.role)).toEqual(['system', 'system', 'user']);
  });

  it('when reasoningEffort and verbosity are sent to a deployment the host does not know yet, then the first refusal teaches the family, and neither is sent again', async () => {
    await stack.host().stop();
    base = (await stack.startHost()).url;
    simulator().resetStats();
    const before = simulator().recentRequests().length;
    const ask = () =>
      post(base, '/api/chat', {
        message: 'Hello',
        model: 'legacy',
        reasoningEffort: 'low',
        verbosity: 'low',
      });

    const first = await ask();
    // Refusing reasoning_effort as an unknown parameter marks the deployment classic: verbosity goes too.
    expect(simulator().stats().refused).toBe(1);
    const second = await ask();

    for (const { status, body } of [first, second]) {
      expect(status).toBe(200);
      expect((body as Answer).warnings?.map((warning) => warning.param)).toEqual([
        'reasoningEffort',
        'verbosity',
      ]);
    }
    expect(simulator().stats().refused).toBe(1);
    const sent = sentSince(before);
    expect(sent.map((request) => [request.reasoning_effort ?? null, request.verbosity ?? null])).toEqual([
      ['low', 'low'],
      [null, null],
      [null, null],
    ]);
  });

  it('when completions go to the default reasoning deployment, then the classic one is unaffected', async () => {
    const { status, body } = await post(base, '/api/completions', { prompt: 'Hello', temperature: 0.5 });
    expect(status).toBe(200);
    expect((body as { warnings?: { param: string }[] }).warnings?.map((warning) => warning.param)).toEqual([
      'temperature',
    ]);
  });

  it('when streamed as SSE and as JSON Lines, then it ends with done finishReason stop', async () => {
    const sse = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Hello', model: 'legacy', stream: true, temperature: 0.2 }),
    });
    const lines = await fetch(`${base}/api/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }], model: 'legacy' }),
    });

    const events = (await sse.text()).split('\n\n').filter((frame) => frame !== '');
    expect(JSON.parse(events.at(-1)?.replace(/^data: /, '') ?? '{}')).toMatchObject({
      type: 'done',
      finishReason: 'stop',
    });
    const last = (await lines.text()).trim().split('\n').at(-1) ?? '{}';
    expect(JSON.parse(last)).toMatchObject({ context: { event: 'done', finishReason: 'stop' } });
  });

  it('when maxTokens cuts a classic answer, then it is incomplete too', async () => {
    const { body } = await post(base, '/api/chat', {
      message: 'one two three four five six seven',
      model: 'legacy',
      maxTokens: 3,
    });
    expect(body).toMatchObject({
      finishReason: 'length',
      intent: 'incomplete',
      answer_md: 'Simulated answer: one',
    });
  });
});
