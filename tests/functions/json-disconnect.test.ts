import { waitFor } from '../../dev/stack/ports';
import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const ALICE = easyAuthHeaders('alice-0001');

interface Conversation {
  messages: { role: string; content: string; incomplete?: boolean }[];
}

/** Sends a JSON request and goes away once `leave` resolves, before any answer arrives. */
async function postAndLeave(url: string, body: unknown, leave: () => Promise<unknown>): Promise<void> {
  const controller = new AbortController();
  const sent = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...ALICE },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  await leave();
  controller.abort();
  await expect(sent).rejects.toThrow();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a request whose client goes away before its answer', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost({ AUTH_MODE: 'easyauth' })).url;
  });
  afterAll(() => stack.stop());
  afterEach(() => stack.model?.configure({ timeToFirstTokenMs: 0 }));

  const stats = () => {
    if (stack.model === undefined) throw new Error('no model simulator');
    return stack.model.stats();
  };

  it.each([
    ['/api/chat', { message: 'a slow question' }],
    ['/api/completions', { prompt: 'a slow prompt' }],
    // A stream sends nothing before its first event: until then it is cut like a JSON request.
    ['/api/chat (stream, before its first event)', { message: 'a slow question', stream: true }],
    [
      '/api/openai/v1/chat/completions',
      { model: 'chat', messages: [{ role: 'user', content: 'a slow question' }] },
    ],
  ])(
    'when the client of POST %s disconnects while the model thinks, then the model request is aborted and the disconnect is logged at info',
    async (path, body) => {
      // Long enough that a model call left running would still be running when the test looks.
      stack.model?.configure({ timeToFirstTokenMs: 8_000 });
      const before = stats();
      const logFrom = stack.host().output().length;
      // Gone ~300 ms after the model call started (not before it: then no model call is made at all).
      await postAndLeave(`${base}${path.split(' ')[0] ?? path}`, body, async () => {
        await waitFor(() => Promise.resolve(stats().requests > before.requests), 10_000, 'the model call');
        await pause(300);
      });
      await waitFor(
        () => Promise.resolve(stats().aborted > before.aborted),
        6_000,
        'the model request aborted',
      );
      expect(stats().completed).toBe(before.completed);
      await waitFor(
        () => Promise.resolve(/client disconnected/.test(stack.host().output().slice(logFrom))),
        5_000,
        'the disconnect logged',
      );
      const lines = stack.host().output().slice(logFrom).split('\n');
      expect(lines.filter((line) => line.includes('client disconnected'))).toEqual([
        expect.stringMatching(/^INFO client disconnected/),
      ]);
      expect(lines.filter((line) => line.startsWith('ERROR'))).toEqual([]);
    },
    30_000,
  );

  it('when the client of a JSON chat turn disconnects after a tool round, then the loop stops and the turn is stored as incomplete', async () => {
    const { body } = await getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ALICE },
      body: JSON.stringify({ message: 'hello' }),
    });
    const { conversationId } = body as { conversationId: string };
    stack.model?.configure({ timeToFirstTokenMs: 1_500 });
    const before = stats();
    // The first model call asks for get_stat; the client leaves while the second one (the answer) runs.
    await postAndLeave(
      `${base}/api/chat`,
      { message: 'what is the satisfied_share statistic? key: satisfied_share', conversationId },
      () =>
        waitFor(() => Promise.resolve(stats().requests >= before.requests + 2), 15_000, 'the second call'),
    );
    await waitFor(
      async () => {
        const stored = (await getJson(`${base}/api/conversations/${conversationId}`, { headers: ALICE }))
          .body as Conversation;
        return stored.messages.length > 2;
      },
      10_000,
      'the cut-off turn stored',
    );
    const stored = (await getJson(`${base}/api/conversations/${conversationId}`, { headers: ALICE }))
      .body as Conversation;
    expect(stored.messages[2]).toMatchObject({
      role: 'user',
      content: expect.stringContaining('satisfied_share'),
    });
    expect(stored.messages.at(-1)).toMatchObject({ role: 'assistant', incomplete: true });
    // Like a cut stream: the caller's message and the answer as far as it got (a JSON turn showed none).
    expect(stored.messages.slice(2)).toEqual([
      expect.objectContaining({ role: 'user' }),
      expect.objectContaining({ role: 'assistant', content: '', incomplete: true }),
    ]);
    expect(stats().aborted).toBe(before.aborted + 1);
    await pause(2_000); // room for a loop that did not stop to make another call
    expect(stats().requests).toBe(before.requests + 2);
  }, 40_000);
});
