import { getJson, startTestStack, type TestStack } from '../support/test-stack';

async function postJson(url: string, body: unknown) {
  return getJson(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A chat completion in which the model calls `get_stat` `count` times at once. */
function manyToolCalls(count: number) {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-many',
      object: 'chat.completion',
      created: 1,
      model: 'chat',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: null,
            tool_calls: Array.from({ length: count }, (_, index) => ({
              id: `call_${index}`,
              type: 'function',
              function: { name: 'get_stat', arguments: JSON.stringify({ key: 'satisfied_share' }) },
            })),
          },
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    },
  };
}

describe('bounded prompts, completions and tool calls', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost({ CHAT_MAX_PROMPT_TOKENS: '16000', CHAT_MAX_COMPLETION_TOKENS: '1024' }))
      .url;
  });
  afterAll(() => stack.stop());

  it('when one chat request carries 200 messages of 5,000 characters, then it is refused as prompt_too_long before any model call', async () => {
    const words = 'the quick brown fox jumps over the lazy dog and keeps on running ';
    const content = words.repeat(Math.ceil(5_000 / words.length)).slice(0, 5_000);
    const messages = Array.from({ length: 200 }, (_, index) => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      content,
    }));
    messages.push({ role: 'user', content: 'and now?' });
    messages.splice(0, 1);
    stack.model?.resetStats();

    const started = performance.now();
    const { status, body } = await postJson(`${base}/api/chat`, { messages });
    const elapsedMs = performance.now() - started;

    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { code: 'prompt_too_long', message: expect.stringContaining('16000') },
      correlationId: expect.any(String),
    });
    expect(stack.model?.stats().requests).toBe(0);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('when a request asks for more completion tokens than CHAT_MAX_COMPLETION_TOKENS, then the model is sent the cap', async () => {
    const { status } = await postJson(`${base}/api/chat`, { message: 'hello there', maxTokens: 32_768 });
    expect(status).toBe(200);
    const sent = stack.model?.recentRequests().at(-1);
    expect(sent?.max_tokens ?? sent?.max_completion_tokens).toBe(1024);
  });

  it('when a request sets no maxTokens, then the model is sent CHAT_MAX_COMPLETION_TOKENS as the budget', async () => {
    const { status } = await postJson(`${base}/api/completions`, { prompt: 'hello' });
    expect(status).toBe(200);
    const sent = stack.model?.recentRequests().at(-1);
    expect(sent?.max_tokens ?? sent?.max_completion_tokens).toBe(1024);
  });

  it('when the model asks for 20 tool calls in one round, then 8 run and the model is told the others did not', async () => {
    stack.model?.scriptNext(manyToolCalls(20));

    const { status, body } = await postJson(`${base}/api/chat`, { message: 'all the statistics, please' });

    expect(status).toBe(200);
    const actions = (body as { actions_result: { result: Record<string, unknown> }[] }).actions_result;
    expect(actions.filter((action) => action.result.error === undefined)).toHaveLength(8);
    expect(actions.filter((action) => action.result.error === 'tool_call_limit')).toHaveLength(12);
    const toolMessages = (stack.model?.recentRequests().at(-1)?.messages ?? []).filter(
      (message) => message.role === 'tool',
    );
    expect(toolMessages).toHaveLength(20);
    expect(
      toolMessages.filter((message) => JSON.stringify(message.content).includes('tool_call_limit')),
    ).toHaveLength(12);
  });
});

describe('a stored history longer than CHAT_MAX_PROMPT_TOKENS', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack();
    // The history budget out of the way, so only the prompt limit decides what is sent.
    base = (await stack.startHost({ CHAT_MAX_PROMPT_TOKENS: '2500', CHAT_HISTORY_TOKEN_BUDGET: '1000000' }))
      .url;
  });
  afterAll(() => stack.stop());

  it('when the conversation goes on past the limit, then older turns are left out, the newest are sent, and every turn is answered', async () => {
    const words = 'the quick brown fox jumps over the lazy dog and keeps on running ';
    const turn = (index: number) => `turn ${index}: ${words.repeat(25)}`; // about 300 tokens
    let conversationId: string | undefined;
    for (let index = 1; index <= 12; index += 1) {
      const { status, body } = await postJson(`${base}/api/chat`, {
        message: turn(index),
        ...(conversationId === undefined ? {} : { conversationId }),
      });
      expect(status).toBe(200);
      conversationId = (body as { conversationId: string }).conversationId;
    }

    const sent = stack.model?.recentRequests().at(-1);
    const contents = (sent?.messages ?? []).map((message) =>
      typeof message.content === 'string' ? message.content : '',
    );
    expect(contents.some((content) => content.startsWith('turn 12:'))).toBe(true);
    expect(contents.some((content) => content.startsWith('turn 11:'))).toBe(true);
    expect(contents.some((content) => content.startsWith('turn 1:'))).toBe(false);
    // 12 turns of about 300 tokens each would be 3,600 tokens and more: the sent prompt fits 2,500.
    const sentChars = contents.reduce((sum, content) => sum + content.length, 0);
    expect(sentChars).toBeLessThan(2_500 * 5);
    const stored = await getJson(`${base}/api/conversations/${conversationId ?? ''}?pageSize=100`);
    expect((stored.body as { messages: unknown[] }).messages).toHaveLength(24);
  });
});
