import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const MODEL_KEY = 'sentinel-model-key-91c2';

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return getJson(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface ChatBody {
  conversationId: string;
  intent: string;
  answer_md: string;
  actions_result: { tool: string; arguments: unknown; result: Record<string, unknown> }[];
  message: { role: string; content: string };
  sessionState: { conversationId: string };
  usage: { total_tokens: number };
}

const EXAMPLE =
  'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?';

describe('POST /api/chat and /api/completions against the model simulator', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack({ model: { apiKey: MODEL_KEY } });
    base = (await stack.startHost({ AZURE_OPENAI_MAX_RETRIES: '2', AZURE_OPENAI_MAX_RETRY_WAIT_MS: '5000' }))
      .url;
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.model?.configure({ failureRate429: 0, failureRate500: 0 }));

  describe('the tool loop', () => {
    it('when the question names a customer, then predict_customer runs and the answer is built from its result', async () => {
      const { status, body } = await postJson(`${base}/api/chat`, { message: EXAMPLE });
      expect(status).toBe(200);
      const chat = body as ChatBody;
      expect(chat.actions_result).toHaveLength(1);
      expect(chat.actions_result[0]).toMatchObject({
        tool: 'predict_customer',
        arguments: {
          age: 32,
          travelType: 'Business travel',
          seatComfort: 4,
          cleanliness: 5,
          departureDelayMinutes: 10,
        },
        result: { prediction: { source: 'aml', label: expect.any(String) } },
      });
      expect(chat.intent).toBe('answer');
      expect(chat.answer_md).toContain('predict_customer');
      expect(chat.message).toEqual({ role: 'assistant', content: chat.answer_md });
      expect(chat.sessionState).toEqual({ conversationId: chat.conversationId });
      expect(chat.usage.total_tokens).toBeGreaterThan(0);
    });

    it('when a plain message needs no tool, then the answer comes straight back with no actions', async () => {
      const { status, body } = await postJson(`${base}/api/chat`, {
        messages: [{ role: 'user', content: 'Hello there' }],
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        intent: 'answer',
        actions_result: [],
        answer_md: expect.stringContaining('Hello there'),
      });
    });

    it('when the model sends malformed tool arguments, then the tool result tells it so and the turn still answers', async () => {
      const { status, body } = await postJson(`${base}/api/chat`, {
        message: `${EXAMPLE} [sim:malformed-args]`,
      });
      expect(status).toBe(200);
      const chat = body as ChatBody;
      expect(chat.actions_result[0]?.result).toMatchObject({ error: 'invalid_arguments' });
      expect(chat.answer_md).toContain('invalid_arguments');
    });

    it('when the model calls an unknown tool, then the result lists the known tools and the turn still answers', async () => {
      const { status, body } = await postJson(`${base}/api/chat`, { message: 'anything [sim:unknown-tool]' });
      expect(status).toBe(200);
      const chat = body as ChatBody;
      expect(chat.actions_result[0]).toMatchObject({
        tool: 'no_such_tool',
        result: {
          error: 'unknown_tool',
          knownTools: expect.arrayContaining(['predict_customer', 'get_stat']),
        },
      });
    });

    it('when the model keeps calling tools, then the loop stops at the round bound with intent tool_limit', async () => {
      const { status, body } = await postJson(`${base}/api/chat`, {
        message: `${EXAMPLE} [sim:always-tools]`,
      });
      expect(status).toBe(200);
      const chat = body as ChatBody;
      expect(chat.intent).toBe('tool_limit');
      expect(chat.actions_result).toHaveLength(4); // 5 model calls: 4 rounds of tools, the 5th still asked for more
      expect(chat.answer_md).toMatch(/5 rounds/);
    });
  });

  describe('upstream failures', () => {
    it('when the model answers 429 once, then the request is retried and succeeds', async () => {
      stack.model?.scriptNext({
        status: 429,
        headers: { 'retry-after-ms': '50' },
        body: { error: { code: '429', message: 'slow down' } },
      });
      const before = stack.model?.stats().requests ?? 0;
      const { status } = await postJson(`${base}/api/completions`, { prompt: 'Hi' });
      expect(status).toBe(200);
      expect((stack.model?.stats().requests ?? 0) - before).toBe(2);
    });

    it('when the model asks to retry after a day, then the caller gets a fast 503 with Retry-After', async () => {
      const started = Date.now();
      const { status, body, headers } = await postJson(`${base}/api/chat`, {
        message: 'hello [sim:retry-after:86400]',
      });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(status).toBe(503);
      expect(headers.get('retry-after')).toBe('86400');
      expect(body).toMatchObject({ error: { code: 'model_busy' }, correlationId: expect.any(String) });
    });

    it('when the model keeps answering 500, then the caller gets 503 after the bounded retries', async () => {
      stack.model?.configure({ failureRate500: 1 });
      const before = stack.model?.stats().requests ?? 0;
      const { status, body, headers } = await postJson(`${base}/api/completions`, { prompt: 'Hi' });
      expect(status).toBe(503);
      expect(body).toMatchObject({ error: { code: 'model_unavailable' } });
      expect(headers.get('retry-after')).toMatch(/^\d+$/);
      expect((stack.model?.stats().requests ?? 0) - before).toBe(3); // 1 + AZURE_OPENAI_MAX_RETRIES (2)
    });

    it('when the content filter blocks the prompt, then the caller gets 400 content_filter', async () => {
      const { status, body } = await postJson(`${base}/api/chat`, {
        message: 'something [sim:content-filter]',
      });
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: { code: 'content_filter' }, correlationId: expect.any(String) });
    });
  });

  describe('validation', () => {
    it.each([
      ['an empty message', { message: '   ' }, 'message'],
      [
        'both message and messages',
        { message: 'a', messages: [{ role: 'user', content: 'b' }] },
        "exactly one of 'message' or 'messages'",
      ],
      ['neither message nor messages', { temperature: 1 }, "exactly one of 'message' or 'messages'"],
      ['a bad role', { messages: [{ role: 'wizard', content: 'hi' }] }, 'messages.0.role'],
      [
        'a last message not from the user',
        { messages: [{ role: 'assistant', content: 'hi' }] },
        'must have role',
      ],
      ['content over the limit', { message: 'x'.repeat(8001) }, 'at most 8000 characters'],
      ['a temperature over 2', { message: 'hi', temperature: 3 }, 'temperature'],
      [
        'a model outside the allowlist',
        { message: 'hi', model: 'gpt-secret' },
        "Model 'gpt-secret' is not allowed",
      ],
      ['a bad conversation id', { message: 'hi', conversationId: '../../etc' }, 'conversationId'],
    ])('when the body has %s, then 400 names the problem', async (_name, payload, expected) => {
      const { status, body } = await postJson(`${base}/api/chat`, payload);
      expect(status).toBe(400);
      expect(JSON.stringify(body)).toContain(expected);
      expect(body).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
        correlationId: expect.any(String),
      });
    });

    it('when the body is not JSON, then 400 invalid_json', async () => {
      const { status, body } = await postJson(`${base}/api/chat`, '{"message": "hi"');
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: { code: 'invalid_json' } });
    });

    it('when the content type is not JSON, then 415', async () => {
      const { status } = await postJson(`${base}/api/chat`, 'message=hi', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(status).toBe(415);
    });

    it('when the body is over the limit, then 413', async () => {
      const { status, body } = await postJson(`${base}/api/chat`, { message: 'x'.repeat(1_100_000) });
      expect(status).toBe(413);
      expect(body).toMatchObject({ error: { code: 'payload_too_large' } });
    });

    it("when completions gets no prompt, then 400 says 'prompt' is required", async () => {
      const { status, body } = await postJson(`${base}/api/completions`, {});
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: { message: "'prompt' is required" } });
    });

    it('when the prompt is over 4000 characters, then 400 names the limit', async () => {
      const { status, body } = await postJson(`${base}/api/completions`, { prompt: 'x'.repeat(4001) });
      expect(status).toBe(400);
      expect(JSON.stringify(body)).toContain('4000');
    });
  });

  describe('completions', () => {
    it('when a prompt is sent, then the answer comes with character and token counts', async () => {
      const { status, body } = await postJson(`${base}/api/completions`, { prompt: 'What is an orange?' });
      expect(status).toBe(200);
      const answer = body as { response: string; usage: Record<string, number> };
      expect(answer.response).toContain('What is an orange?');
      expect(answer.usage).toEqual({
        prompt_chars: 18,
        response_chars: answer.response.length,
        prompt_tokens: expect.any(Number),
        completion_tokens: expect.any(Number),
        total_tokens: (answer.usage.prompt_tokens ?? 0) + (answer.usage.completion_tokens ?? 0),
        reasoning_tokens: expect.any(Number),
        cached_tokens: 0,
      });
      expect(body).toMatchObject({ finishReason: 'stop' });
    });
  });

  describe('misconfiguration', () => {
    afterAll(async () => {
      await stack.host().stop();
      base = (
        await stack.startHost({ AZURE_OPENAI_MAX_RETRIES: '2', AZURE_OPENAI_MAX_RETRY_WAIT_MS: '5000' })
      ).url;
    });

    it('when the model key is wrong, then 502 names AZURE_OPENAI_API_KEY and never shows the key', async () => {
      await stack.host().stop();
      const wrong = 'sentinel-wrong-key-5d1e';
      base = (await stack.startHost({ AZURE_OPENAI_API_KEY: wrong })).url;
      const { status, body } = await postJson(`${base}/api/completions`, { prompt: 'Hi' });
      expect(status).toBe(502);
      expect(body).toMatchObject({
        error: { code: 'model_auth_failed', message: expect.stringContaining('AZURE_OPENAI_API_KEY') },
      });
      expect(JSON.stringify(body)).not.toContain(wrong);
      expect(stack.host().output()).not.toContain(wrong);
    });

    it('when the deployment does not exist, then 502 names AZURE_OPENAI_DEPLOYMENT', async () => {
      await stack.host().stop();
      base = (await stack.startHost({ AZURE_OPENAI_DEPLOYMENT: 'missing-deployment' })).url;
      const { status, body } = await postJson(`${base}/api/completions`, { prompt: 'Hi' });
      expect(status).toBe(502);
      expect(body).toMatchObject({
        error: {
          code: 'model_deployment_not_found',
          message: expect.stringContaining('AZURE_OPENAI_DEPLOYMENT'),
        },
      });
    });
  });
});
