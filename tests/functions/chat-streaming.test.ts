import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { waitFor } from '../../dev/stack/ports';
import { repoRoot, startTestStack, type TestStack } from '../support/test-stack';

const EXAMPLE =
  'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?';

interface Arrival {
  readonly at: number;
  readonly data: Record<string, unknown>;
}

/** Reads an SSE or JSON Lines body as it arrives, noting when each event came. */
async function readEvents(
  response: Response,
  separator: string,
  parse: (frame: string) => Record<string, unknown>,
): Promise<Arrival[]> {
  const reader = response.body?.getReader();
  if (reader === undefined) throw new Error('no body');
  const decoder = new TextDecoder();
  const arrivals: Arrival[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let index: number;
    while ((index = buffer.indexOf(separator)) >= 0) {
      const frame = buffer.slice(0, index);
      buffer = buffer.slice(index + separator.length);
      if (frame.trim() !== '') arrivals.push({ at: performance.now(), data: parse(frame) });
    }
  }
  expect(buffer).toBe(''); // every frame was terminated
  return arrivals;
}

const parseSse = (frame: string) => {
  expect(frame.startsWith('data: ')).toBe(true);
  return JSON.parse(frame.slice('data: '.length)) as Record<string, unknown>;
};
const parseLine = (frame: string) => JSON.parse(frame) as Record<string, unknown>;

function postChat(
  base: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

describe('streaming chat', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost()).url;
  });
  afterAll(() => stack.stop());
  beforeEach(() => stack.model?.configure({ timeToFirstTokenMs: 0, perTokenDelayMs: 0 }));

  describe('Server-Sent Events on POST /api/chat', () => {
    it('when stream is true, then events arrive in order and incrementally, with streaming headers', async () => {
      stack.model?.configure({ timeToFirstTokenMs: 300, perTokenDelayMs: 40 });
      const started = performance.now();
      const response = await postChat(
        base,
        '/api/chat',
        { message: 'tell me a fairly long story about streaming tokens to a browser', stream: true },
        { 'X-Request-ID': 'sse-1' },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('x-accel-buffering')).toBe('no');
      expect(response.headers.get('x-request-id')).toBe('sse-1');
      const events = await readEvents(response, '\n\n', parseSse);
      const types = events.map((event) => event.data.type);
      expect(types[0]).toBe('metadata');
      expect(types.at(-1)).toBe('done');
      const chunks = events.filter((event) => event.data.type === 'chunk');
      expect(chunks.length).toBeGreaterThan(5);
      const text = chunks.map((event) => String(event.data.content)).join('');
      expect(events.at(-1)?.data).toMatchObject({
        full_response: text,
        conversationId: events[0]?.data.conversationId,
        usage: { total_tokens: expect.any(Number) },
        timestamp: expect.any(String),
      });
      // The first chunk reaches the client long before the last: nothing buffered on the way.
      const first = chunks[0]?.at ?? 0;
      const last = chunks.at(-1)?.at ?? 0;
      expect(last - first).toBeGreaterThan(chunks.length * 40 * 0.5);
      expect(first - started).toBeGreaterThan(250);
    });

    it('when the client accepts text/event-stream, then the answer is streamed without "stream": true', async () => {
      const response = await postChat(
        base,
        '/api/chat',
        { message: 'hello' },
        { Accept: 'text/event-stream' },
      );
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const events = await readEvents(response, '\n\n', parseSse);
      expect(events.at(-1)?.data.type).toBe('done');
    });

    it('when tools run, then tool_call and tool_result events come before the answer chunks', async () => {
      const response = await postChat(base, '/api/chat', { message: EXAMPLE, stream: true });
      const types = (await readEvents(response, '\n\n', parseSse)).map((event) => event.data.type);
      expect(types.slice(0, 3)).toEqual(['metadata', 'tool_call', 'tool_result']);
      expect(types.indexOf('chunk')).toBeGreaterThan(types.indexOf('tool_result'));
      expect(types.at(-1)).toBe('done');
    });

    it('when the model fails mid-stream, then the stream ends with an error event', async () => {
      const response = await postChat(base, '/api/chat', {
        message: 'a long answer please [sim:mid-stream-error]',
        stream: true,
      });
      expect(response.status).toBe(200);
      const events = await readEvents(response, '\n\n', parseSse);
      expect(events.some((event) => event.data.type === 'chunk')).toBe(true);
      expect(events.at(-1)?.data).toEqual({
        type: 'error',
        error: { code: expect.any(String), message: expect.any(String) },
      });
    });

    it('when the model fails before anything is sent, then the answer is the ordinary JSON error', async () => {
      const response = await postChat(base, '/api/chat', { message: 'x [sim:content-filter]', stream: true });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({
        error: { code: 'content_filter' },
        correlationId: expect.any(String),
      });
    });

    it('when the client disconnects, then the upstream model request is aborted', async () => {
      stack.model?.configure({ timeToFirstTokenMs: 50, perTokenDelayMs: 200 });
      const abortedBefore = stack.model?.stats().aborted ?? 0;
      const controller = new AbortController();
      const response = await postChat(
        base,
        '/api/chat',
        { message: 'a very long answer with many many words in it please', stream: true },
        {},
        controller.signal,
      );
      const reader = response.body?.getReader();
      await reader?.read();
      controller.abort();
      await waitFor(
        () => Promise.resolve((stack.model?.stats().aborted ?? 0) > abortedBefore),
        5000,
        'the simulator seeing the abort',
      );
      expect(stack.model?.stats().inFlight).toBe(0);
    });
  });

  describe('AI Chat Protocol on POST /api/chat/stream', () => {
    it('when a turn is streamed, then each line is a JSON delta ending in a newline, with tool activity in context', async () => {
      const response = await postChat(base, '/api/chat/stream', {
        messages: [{ role: 'user', content: EXAMPLE }],
      });
      expect(response.status).toBe(200);
      const raw = await response.clone().text();
      expect(raw.endsWith('\n')).toBe(true);
      const lines = await readEvents(response, '\n', parseLine);
      const conversationId = (lines[0]?.data.sessionState as { conversationId: string }).conversationId;
      for (const line of lines)
        expect(line.data).toMatchObject({ delta: { role: 'assistant' }, sessionState: { conversationId } });
      const contexts = lines
        .map((line) => (line.data.context as { event?: string } | undefined)?.event)
        .filter(Boolean);
      expect(contexts).toEqual(['tool_call', 'tool_result', 'done']);
      const text = lines.map((line) => (line.data.delta as { content: string }).content).join('');
      expect(text).toContain('predict_customer');
    });

    it('when the model fails mid-stream, then the last line is an error object', async () => {
      const response = await postChat(base, '/api/chat/stream', {
        messages: [{ role: 'user', content: 'long answer [sim:mid-stream-error]' }],
      });
      const lines = await readEvents(response, '\n', parseLine);
      expect(lines.at(-1)?.data).toEqual({
        error: { code: expect.any(String), message: expect.any(String) },
      });
    });

    it('when a turn is streamed, then the content type is the one the protocol names (application/jsonl)', async () => {
      const response = await postChat(base, '/api/chat/stream', {
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(response.headers.get('content-type')).toBe('application/jsonl');
      await response.text();
    });

    it('when the official client resends a stored transcript with tool messages, then the turn continues the conversation', async () => {
      const first = await postChat(base, '/api/chat', { message: EXAMPLE });
      const { conversationId } = (await first.json()) as { conversationId: string };
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          join(repoRoot, 'tests/support/ai-chat-resend.mjs'),
          base,
          conversationId,
          'Thanks, and the next one?',
        ],
        { cwd: repoRoot },
      );
      const { sent, deltas, completion } = JSON.parse(stdout) as {
        sent: string[];
        deltas: { delta: { content?: string }; sessionState: { conversationId: string } }[];
        completion: { message: { content: string }; sessionState: { conversationId: string } };
      };
      // What GET /api/conversations/{id} gives back: a tool-call-only assistant message, its tool message, the answer.
      expect(sent).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
      expect(deltas.map((delta) => delta.delta.content ?? '').join('')).toBe(
        'Simulated answer: Thanks, and the next one?',
      );
      expect(deltas.every((delta) => delta.sessionState.conversationId === conversationId)).toBe(true);
      expect(completion.message.content).toBe('Simulated answer: Thanks, and the next one?');
      // The stored history counts: the resent messages are not stored twice.
      const stored = (await (await fetch(`${base}/api/conversations/${conversationId}`)).json()) as {
        messages: { role: string }[];
      };
      expect(stored.messages.map((message) => message.role)).toEqual([
        'user',
        'assistant',
        'tool',
        'assistant',
        'user',
        'assistant',
        'user',
        'assistant',
      ]);
    });

    it('when the official client is used, then getCompletion and getStreamedCompletion both get the whole answer', async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(repoRoot, 'tests/support/ai-chat-client.mjs'), `${base}/api/chat`, 'Hello protocol'],
        { cwd: repoRoot },
      );
      const { completion, deltas } = JSON.parse(stdout) as {
        completion: { message: { role: string; content: string }; sessionState: { conversationId: string } };
        deltas: { delta: { content?: string }; sessionState: { conversationId: string } }[];
      };
      expect(completion.message).toEqual({ role: 'assistant', content: 'Simulated answer: Hello protocol' });
      expect(completion.sessionState.conversationId).toEqual(expect.any(String));
      expect(deltas.map((delta) => delta.delta.content ?? '').join('')).toBe(
        'Simulated answer: Hello protocol',
      );
    });
  });
});
