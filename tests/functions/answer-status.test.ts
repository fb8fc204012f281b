import { randomUUID } from 'node:crypto';

import { getJson, startTestStack, type TestStack } from '../support/test-stack';

/**
 * Whether an answer is whole, in every mode: JSON, Server-Sent Events, AI Chat Protocol JSON Lines,
 * completions, the OpenAI-compatible route (JSON and streamed) and the AI SDK UI message stream, against the reasoning profile (reasoning tokens spent against the budget) and the output
 * content filter.
 */
const SPENT = 'Think it all through [sim:reasoning-tokens:100000]';
const FILTERED = 'Tell me one two three four five six [sim:output-filter]';

function post(base: string, path: string, body: unknown) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function frames(response: Response, separator: string): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text
    .split(separator)
    .filter((frame) => frame.trim() !== '')
    .map((frame) => JSON.parse(frame.replace(/^data: /, '')) as Record<string, unknown>);
}

/** The UI message stream's chunks, without its closing `[DONE]`. */
async function uiFrames(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((frame) => frame.replace(/^data: /, '').trim())
    .filter((frame) => frame !== '' && frame !== '[DONE]')
    .map((frame) => JSON.parse(frame) as Record<string, unknown>);
}

describe('answers that say whether they are whole, through the local host', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost()).url;
  });
  afterAll(() => stack.stop());

  describe('when reasoning spends the whole budget (finish_reason length, no text)', () => {
    it('then the JSON answer is a clear message with intent incomplete, and the turn is stored incomplete', async () => {
      const response = await post(base, '/api/chat', { message: SPENT });
      const body = (await response.json()) as {
        conversationId: string;
        intent: string;
        answer_md: string;
        finishReason: string;
        usage: { reasoning_tokens: number; completion_tokens: number };
      };

      expect(response.status).toBe(200);
      expect(body).toMatchObject({ intent: 'incomplete', finishReason: 'length' });
      expect(body.answer_md).toBe(
        `The model used its whole budget of 2048 tokens (2048 on reasoning) before it wrote an answer. Ask again with a larger maxTokens or a lower reasoningEffort.`,
      );
      expect(body.usage).toMatchObject({ reasoning_tokens: 2048, completion_tokens: 2048 });
      const stored = await getJson(`${base}/api/conversations/${body.conversationId}`);
      const messages = (
        stored.body as { messages: { role: string; content: string; incomplete?: boolean }[] }
      ).messages;
      expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: body.answer_md, incomplete: true });
    });

    it('then SSE streams the message as a chunk and ends with done finishReason length', async () => {
      const events = await frames(await post(base, '/api/chat', { message: SPENT, stream: true }), '\n\n');

      const chunks = events.filter((event) => event.type === 'chunk').map((event) => event.content);
      const done = events.at(-1);
      expect(chunks.join('')).toContain('used its whole budget of 2048 tokens');
      expect(done).toMatchObject({ type: 'done', intent: 'incomplete', finishReason: 'length' });
      expect(done?.full_response).toBe(chunks.join(''));
    });

    it('then JSON Lines deltas carry the message and the final context says finishReason length', async () => {
      const lines = await frames(
        await post(base, '/api/chat/stream', { messages: [{ role: 'user', content: SPENT }] }),
        '\n',
      );

      const text = lines.map((line) => (line.delta as { content: string }).content).join('');
      expect(text).toContain('used its whole budget of 2048 tokens');
      expect(lines.at(-1)?.context).toMatchObject({
        event: 'done',
        intent: 'incomplete',
        finishReason: 'length',
      });
    });

    it('then completions answer the message with finishReason length, never an empty response', async () => {
      const response = await post(base, '/api/completions', {
        prompt: 'Explain',
        maxTokens: 50,
        reasoningEffort: 'high',
      });
      const body = (await response.json()) as { response: string; finishReason: string };

      expect(response.status).toBe(200);
      expect(body).toEqual(
        expect.objectContaining({
          finishReason: 'length',
          response: expect.stringContaining('whole budget of 50 tokens (50 on reasoning)') as unknown,
        }),
      );
    });
  });

  describe('when the budget cuts the text short', () => {
    it('then the answer holds the text that came, intent incomplete, finishReason length', async () => {
      const response = await post(base, '/api/chat', {
        message: 'one two three four five six seven eight nine ten',
        maxTokens: 3,
      });
      const body = (await response.json()) as { intent: string; answer_md: string; finishReason: string };

      expect(response.status).toBe(200);
      expect(body).toMatchObject({
        intent: 'incomplete',
        finishReason: 'length',
        answer_md: 'Simulated answer: one',
      });
    });

    it('then a whole answer says finishReason stop', async () => {
      const response = await post(base, '/api/chat', { message: 'Hello' });
      expect(await response.json()).toMatchObject({ intent: 'answer', finishReason: 'stop' });
    });
  });

  describe('when the output content filter stops the answer', () => {
    it('then the JSON answer is 400 content_filtered naming the category', async () => {
      const response = await post(base, '/api/chat', { message: FILTERED });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: {
          code: 'content_filtered',
          message: 'The answer was stopped by the Azure OpenAI content filter (category: violence)',
          details: [{ path: 'output', code: 'violence', message: 'filtered' }],
        },
        correlationId: expect.any(String) as unknown,
      });
    });

    it('then SSE sends what passed, then an error event content_filtered, and no done', async () => {
      const events = await frames(await post(base, '/api/chat', { message: FILTERED, stream: true }), '\n\n');

      expect(events.some((event) => event.type === 'chunk')).toBe(true);
      expect(events.some((event) => event.type === 'done')).toBe(false);
      expect(events.at(-1)).toEqual({
        type: 'error',
        error: {
          code: 'content_filtered',
          message: 'The answer was stopped by the Azure OpenAI content filter (category: violence)',
          details: [{ path: 'output', code: 'violence', message: 'filtered' }],
        },
      });
    });

    it('then JSON Lines end with an error line content_filtered', async () => {
      const lines = await frames(
        await post(base, '/api/chat/stream', { messages: [{ role: 'user', content: FILTERED }] }),
        '\n',
      );
      expect(lines.at(-1)).toMatchObject({ error: { code: 'content_filtered' } });
    });

    it('then completions answer 400 content_filtered', async () => {
      const response = await post(base, '/api/completions', { prompt: FILTERED });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'content_filtered' } });
    });
  });

  describe('on the OpenAI-compatible route and the AI SDK UI message stream', () => {
    const openai = (content: string, stream = false) =>
      post(base, '/api/openai/v1/chat/completions', {
        model: 'chat',
        messages: [{ role: 'user', content }],
        ...(stream ? { stream: true } : {}),
      });
    const ui = (text: string) =>
      post(base, '/api/chat/ui', {
        id: `ui-${randomUUID()}`,
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }],
      });

    it('when reasoning spends the whole budget, then the completion says finish_reason length with the explanation as its content', async () => {
      const response = await openai(SPENT);
      const body = (await response.json()) as {
        choices: { finish_reason: string; message: { content: string } }[];
      };

      expect(response.status).toBe(200);
      expect(body.choices[0]?.finish_reason).toBe('length');
      expect(body.choices[0]?.message.content).toContain('used its whole budget of 2048 tokens');
    });

    it('when the output is filtered, then the completion is a 400 OpenAI error content_filtered, and a stream ends with an error object', async () => {
      const response = await openai(FILTERED);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'content_filtered' } });

      const raw = await (await openai(FILTERED, true)).text();
      const last = raw.trim().split('\n\n').at(-1);
      expect(last).not.toBe('data: [DONE]');
      expect(JSON.parse(last?.replace(/^data: /, '') ?? 'null')).toMatchObject({
        error: { code: 'content_filtered' },
      });
    });

    it('when reasoning spends the whole budget, then the UI stream finishes with finishReason length', async () => {
      const chunks = await uiFrames(await ui(SPENT));

      const finish = chunks.find((chunk) => chunk.type === 'finish');
      expect(finish).toMatchObject({ type: 'finish', finishReason: 'length' });
      const text = chunks
        .filter((chunk) => chunk.type === 'text-delta')
        .map((chunk) => chunk.delta)
        .join('');
      expect(text).toContain('used its whole budget of 2048 tokens');
    });

    it('when the output is filtered, then the UI stream carries an error chunk and no finish', async () => {
      const chunks = await uiFrames(await ui(FILTERED));

      expect(chunks.some((chunk) => chunk.type === 'finish')).toBe(false);
      expect(chunks.find((chunk) => chunk.type === 'error')).toMatchObject({
        errorText: expect.stringContaining('content filter') as unknown,
      });
    });
  });

  describe('when a parameter the deployment does not take is sent on a stream', () => {
    it('then the SSE done event and the JSON Lines final context carry the parameter_ignored warning', async () => {
      const sse = await frames(
        await post(base, '/api/chat', { message: 'Hello', temperature: 0.5, stream: true }),
        '\n\n',
      );
      const lines = await frames(
        await post(base, '/api/chat/stream', {
          messages: [{ role: 'user', content: 'Hello' }],
          temperature: 0.5,
        }),
        '\n',
      );

      const warning = { code: 'parameter_ignored', param: 'temperature' };
      expect(sse.at(-1)).toMatchObject({ type: 'done', warnings: [expect.objectContaining(warning)] });
      expect(lines.at(-1)?.context).toMatchObject({ warnings: [expect.objectContaining(warning)] });
    });
  });
});
