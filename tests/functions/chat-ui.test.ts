/**
 * POST /api/chat/ui driven by the AI SDK's own client code: DefaultChatTransport (what useChat sends and
 * reads), readUIMessageStream (how useChat builds the message) and uiMessageChunkSchema (the protocol).
 */
import {
  DefaultChatTransport,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from 'ai';

import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const EXAMPLE =
  'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?';

const userMessage = (id: string, text: string): UIMessage => ({
  id,
  role: 'user',
  parts: [{ type: 'text', text }],
});

async function chunksOf<T>(stream: ReadableStream<T>): Promise<T[]> {
  const reader = stream.getReader();
  const chunks: T[] = [];
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return chunks;
}

async function collect(
  stream: ReadableStream<UIMessageChunk>,
): Promise<{ chunks: UIMessageChunk[]; message: UIMessage }> {
  const [forChunks, forMessage] = stream.tee();
  const reading = chunksOf(forChunks);
  let message: UIMessage | undefined;
  for await (const state of readUIMessageStream({ stream: forMessage })) message = state;
  const chunks = await reading;
  if (message === undefined) throw new Error('no message was read');
  return { chunks, message };
}

describe('POST /api/chat/ui (AI SDK UI message stream)', () => {
  let stack: TestStack;
  let base: string;
  let transport: DefaultChatTransport<UIMessage>;

  const send = (chatId: string, messages: UIMessage[]) =>
    transport.sendMessages({
      chatId,
      messages,
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost()).url;
    transport = new DefaultChatTransport({ api: `${base}/api/chat/ui` });
  });
  afterAll(() => stack.stop());

  it('when a turn with a tool is sent, then every chunk passes the SDK schema and the message has the tool part and the text', async () => {
    const { chunks, message } = await collect(await send('ui-chat-1', [userMessage('u1', EXAMPLE)]));
    const schema = uiMessageChunkSchema();
    for (const chunk of chunks) expect(await schema.validate?.(chunk)).toMatchObject({ success: true });
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      'start',
      'start-step',
      'tool-input-available',
      'tool-output-available',
      'finish-step',
      'start-step',
      'text-start',
      ...chunks.filter((chunk) => chunk.type === 'text-delta').map(() => 'text-delta'),
      'text-end',
      'finish-step',
      'finish',
    ]);
    const tool = message.parts.find((part) => part.type === 'tool-predict_customer');
    expect(tool).toMatchObject({ state: 'output-available', output: { prediction: { label: 'satisfied' } } });
    const text = message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    expect(text).toContain('Summary of tool results: predict_customer');
    expect(message.metadata).toMatchObject({
      conversationId: 'ui-chat-1',
      finishReason: 'stop',
      usage: { total_tokens: expect.any(Number) },
    });
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('when the same chat id sends its next message, then the conversation continues and nothing is stored twice', async () => {
    const first = userMessage('u1', 'first question');
    const { message: answer } = await collect(await send('ui-chat-2', [first]));
    const { message: second } = await collect(
      await send('ui-chat-2', [first, answer, userMessage('u2', 'second question')]),
    );
    expect(second.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('')).toBe(
      'Simulated answer: second question',
    );
    const stored = await getJson(`${base}/api/conversations/ui-chat-2`);
    expect((stored.body as { messages: { role: string; content: string }[] }).messages).toEqual([
      expect.objectContaining({ role: 'user', content: 'first question' }),
      expect.objectContaining({ role: 'assistant', content: 'Simulated answer: first question' }),
      expect.objectContaining({ role: 'user', content: 'second question' }),
      expect.objectContaining({ role: 'assistant', content: 'Simulated answer: second question' }),
    ]);
  });

  it('when the raw response is read, then it has the protocol header and ends with data: [DONE]', async () => {
    const response = await fetch(`${base}/api/chat/ui`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'ui-chat-3',
        messages: [userMessage('u1', 'Hi')],
        trigger: 'submit-message',
      }),
    });
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await response.text()).endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('when the model fails mid-stream, then an error chunk ends the answer', async () => {
    const chunks = await chunksOf(
      await send('ui-chat-4', [userMessage('u1', 'a long answer please [sim:mid-stream-error]')]),
    );
    expect(chunks.some((chunk) => chunk.type === 'text-delta')).toBe(true);
    expect(chunks.at(-1)).toEqual({ type: 'error', errorText: expect.any(String) });
  });

  it('when the message is too long, then the transport fails before any chunk with the error envelope', async () => {
    const failure = await send('ui-chat-5', [userMessage('u1', 'x'.repeat(8_001))]).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(JSON.parse((failure as Error).message)).toMatchObject({
      error: { code: 'validation_error' },
      correlationId: expect.any(String),
    });
  });
});
