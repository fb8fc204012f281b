import { QueueServiceClient } from '@azure/storage-queue';

import { waitFor } from '../../dev/stack/ports';
import { toTurnRecord } from '../../src/shared/chat/chat-turn-record';
import { countMessageTokens } from '../../src/shared/chat/prompt-tokens';
import { encodeQueueMessage } from '../../src/shared/queues/queue-service';
import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const ALICE = easyAuthHeaders('alice-0001');
const BOB = easyAuthHeaders('bob-0002');

/** A simulator request's message content as text (it may be a string or content parts). */
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : JSON.stringify(content ?? '');

interface Conversation {
  id: string;
  title: string;
  messages: { role: string; content: string; seq: number; incomplete?: boolean }[];
  continuationToken?: string;
}

describe('conversation history in the Cosmos emulator', () => {
  let stack: TestStack;
  let base: string;
  const hostSettings = { AUTH_MODE: 'easyauth' };

  const chat = async (body: Record<string, unknown>, user = ALICE) =>
    getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user },
      body: JSON.stringify(body),
    });
  const get = (path: string, user = ALICE) => getJson(`${base}/api${path}`, { headers: user });
  const newConversation = async (message: string, user = ALICE) => {
    const { status, body } = await chat({ message }, user);
    expect(status).toBe(200);
    return (body as { conversationId: string }).conversationId;
  };

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost(hostSettings)).url;
  });
  afterAll(() => stack.stop());

  it('when a conversation is continued after the host restarts, then the earlier turns are still there, in order', async () => {
    const id = await newConversation('first question');
    await stack.host().stop();
    base = (await stack.startHost(hostSettings)).url;
    const { status, body } = await chat({ message: 'second question', conversationId: id });
    expect(status).toBe(200);
    expect(body).toMatchObject({ conversationId: id, sessionState: { conversationId: id } });
    const conversation = (await get(`/conversations/${id}`)).body as Conversation;
    expect(conversation.title).toBe('first question');
    expect(conversation.messages.map((message) => [message.role, message.content])).toEqual([
      ['user', 'first question'],
      ['assistant', 'Simulated answer: first question'],
      ['user', 'second question'],
      ['assistant', 'Simulated answer: second question'],
    ]);
    expect(conversation.messages.map((message) => message.seq)).toEqual([0, 1, 2, 3]);
    // The model saw the earlier turn when answering the second.
    const sent = stack.model
      ?.recentRequests()
      .at(-1)
      ?.messages.map((message) => message.content);
    expect(sent).toEqual(
      expect.arrayContaining(['first question', 'Simulated answer: first question', 'second question']),
    );
  });

  it("when another user names someone's conversation, then read, delete and continue are all 404 and lists stay separate", async () => {
    const id = await newConversation('alice private question');
    const bobsOwn = await newConversation('bob question', BOB);
    expect((await get(`/conversations/${id}`, BOB)).status).toBe(404);
    expect(
      (await getJson(`${base}/api/conversations/${id}`, { method: 'DELETE', headers: BOB })).status,
    ).toBe(404);
    expect((await chat({ message: 'let me in', conversationId: id }, BOB)).status).toBe(404);
    expect(
      (
        await chat(
          { messages: [{ role: 'user', content: 'let me in' }], sessionState: { conversationId: id } },
          BOB,
        )
      ).status,
    ).toBe(404);
    const bobsList = (await get('/conversations?pageSize=100', BOB)).body as {
      conversations: { id: string }[];
    };
    expect(bobsList.conversations.map((conversation) => conversation.id)).toEqual([bobsOwn]);
    const alices = (await get(`/conversations/${id}`)).body as Conversation;
    expect(alices.messages).toHaveLength(2); // untouched by Bob
  });

  it('when a conversation id is unknown or malformed, then it is 404 for read, delete and continue', async () => {
    expect((await get('/conversations/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await get('/conversations/bad%20id!')).status).toBe(404);
    expect(
      (await getJson(`${base}/api/conversations/nope`, { method: 'DELETE', headers: ALICE })).status,
    ).toBe(404);
    expect((await chat({ message: 'hi', conversationId: 'never-existed' })).status).toBe(404);
  });

  it('when 20 turns run at once on one conversation, then 40 messages are stored with distinct, gap-free sequence numbers', async () => {
    const id = await newConversation('concurrency base');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => chat({ message: `parallel ${index}`, conversationId: id })),
    );
    expect(results.map((result) => result.status)).toEqual(Array(20).fill(200));
    // A write that took too long went through the history-writes queue: it lands in its place shortly.
    let conversation = (await get(`/conversations/${id}?pageSize=100`)).body as Conversation;
    await waitFor(
      async () => {
        conversation = (await get(`/conversations/${id}?pageSize=100`)).body as Conversation;
        return conversation.messages.length >= 42;
      },
      30_000,
      'every turn stored',
    );
    const seqs = conversation.messages.map((message) => message.seq);
    expect(seqs).toHaveLength(42);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(42);
    // Each turn's user message is directly followed by its own answer.
    for (let index = 2; index < conversation.messages.length; index += 2) {
      const question = conversation.messages[index]?.content ?? '';
      expect(conversation.messages[index + 1]?.content).toBe(`Simulated answer: ${question}`);
    }
    const summary = (
      (await get('/conversations?pageSize=100')).body as {
        conversations: { id: string; messageCount: number }[];
      }
    ).conversations.find((item) => item.id === id);
    expect(summary?.messageCount).toBe(42);
  });

  it('when conversations and messages are paged, then every item comes once, newest conversation first', async () => {
    const user = easyAuthHeaders('pager-0003');
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push(await newConversation(`topic ${index}`, user));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = token === undefined ? '' : `&continuationToken=${encodeURIComponent(token)}`;
      const page = (await get(`/conversations?pageSize=2${query}`, user)).body as {
        conversations: { id: string }[];
        continuationToken?: string;
      };
      seen.push(...page.conversations.map((conversation) => conversation.id));
      token = page.continuationToken;
      pages += 1;
    } while (token !== undefined && pages < 10);
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBeGreaterThanOrEqual(3);

    const id = ids[0] ?? '';
    for (let index = 0; index < 2; index++)
      await chat({ message: `more ${index}`, conversationId: id }, user);
    const first = (await get(`/conversations/${id}?pageSize=4`, user)).body as Conversation;
    expect(first.messages.map((message) => message.seq)).toEqual([0, 1, 2, 3]);
    const second = (
      await get(
        `/conversations/${id}?pageSize=4&continuationToken=${encodeURIComponent(first.continuationToken ?? '')}`,
        user,
      )
    ).body as Conversation;
    expect(second.messages.map((message) => message.seq)).toEqual([4, 5]);
  });

  it('when a continuation token or page size is forged, then 400', async () => {
    expect((await get('/conversations?continuationToken=not-a-token')).status).toBe(400);
    expect((await get('/conversations?pageSize=1000')).status).toBe(400);
  });

  it('when a conversation is deleted, then it and its messages are gone', async () => {
    const id = await newConversation('to be deleted');
    const response = await getJson(`${base}/api/conversations/${id}`, { method: 'DELETE', headers: ALICE });
    expect(response.status).toBe(204);
    expect((await get(`/conversations/${id}`)).status).toBe(404);
    expect((await chat({ message: 'still there?', conversationId: id })).status).toBe(404);
  });

  it('when a streamed answer finishes, then it is stored; when the client disconnects, what it got is stored as incomplete', async () => {
    const streamed = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ALICE },
      body: JSON.stringify({ message: 'stream this one', stream: true }),
    });
    const text = await streamed.text();
    const id = (
      JSON.parse(text.split('\n\n')[0]?.slice('data: '.length) ?? '{}') as { conversationId: string }
    ).conversationId;
    const stored = (await get(`/conversations/${id}`)).body as Conversation;
    expect(stored.messages.map((message) => message.content)).toEqual([
      'stream this one',
      'Simulated answer: stream this one',
    ]);

    stack.model?.configure({ perTokenDelayMs: 150 });
    try {
      const controller = new AbortController();
      const response = await fetch(`${base}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ALICE },
        body: JSON.stringify({
          message: 'a long answer that will be cut off before it ends',
          stream: true,
          conversationId: id,
        }),
        signal: controller.signal,
      });
      const reader = response.body?.getReader();
      let received = '';
      while (!received.includes('"type":"chunk"'))
        received += new TextDecoder().decode((await reader?.read())?.value);
      controller.abort();
      await waitFor(
        async () => ((await get(`/conversations/${id}`)).body as Conversation).messages.length === 4,
        10_000,
        'the cut-off turn',
      );
      const after = (await get(`/conversations/${id}`)).body as Conversation;
      expect(after.messages[3]).toMatchObject({ role: 'assistant', incomplete: true });
      expect(
        'Simulated answer: a long answer that will be cut off before it ends'.startsWith(
          after.messages[3]?.content ?? 'x',
        ),
      ).toBe(true);
    } finally {
      stack.model?.configure({ perTokenDelayMs: 0 });
    }
  });

  it('when Cosmos DB is down while a turn runs, then the answer still succeeds and the turn appears once Cosmos is back', async () => {
    const id = await newConversation('before the outage');
    stack.model?.configure({ timeToFirstTokenMs: 800 });
    try {
      const turn = chat({ message: 'during the outage', conversationId: id });
      await new Promise((resolve) => setTimeout(resolve, 300)); // history is loaded; the model is thinking
      await stack.cosmos?.pause();
      const { status } = await turn;
      expect(status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      await stack.cosmos?.resume();
      stack.model?.configure({ timeToFirstTokenMs: 0 });
    }
    await waitFor(
      async () => ((await get(`/conversations/${id}`)).body as Conversation).messages.length === 4,
      40_000,
      'the queued turn',
    );
    const conversation = (await get(`/conversations/${id}`)).body as Conversation;
    expect(conversation.messages.slice(2).map((message) => message.content)).toEqual([
      'during the outage',
      'Simulated answer: during the outage',
    ]);
    expect(stack.host().output()).toMatch(/queueing it for a later write/);
  }, 60_000);

  it('when the same queued turn is delivered twice, then it is written once', async () => {
    const id = await newConversation('redelivery base');
    const turn = toTurnRecord({
      caller: { userId: 'alice-0001' },
      conversationId: id,
      isNew: false,
      correlationId: 'test-redelivery',
      messages: [
        { role: 'user', content: 'queued question' },
        { role: 'assistant', content: 'queued answer', toolCalls: [] },
      ],
    });
    const queue = QueueServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '').getQueueClient(
      'history-writes',
    );
    await queue.createIfNotExists();
    // Earlier tests may have left a turn queued with a delay: count only what this test adds.
    const before = (await queue.getProperties()).approximateMessagesCount ?? 0;
    await queue.sendMessage(encodeQueueMessage(turn));
    await queue.sendMessage(encodeQueueMessage(turn));
    await waitFor(
      async () => ((await queue.getProperties()).approximateMessagesCount ?? 0) <= before,
      20_000,
      'both deliveries',
    );
    const conversation = (await get(`/conversations/${id}`)).body as Conversation;
    expect(conversation.messages.map((message) => message.content)).toEqual([
      'redelivery base',
      'Simulated answer: redelivery base',
      'queued question',
      'queued answer',
    ]);
  }, 30_000);

  it('when a conversation is longer than the token budget, then the model gets the newest turns that fit and the new message', async () => {
    await stack.host().stop();
    base = (await stack.startHost({ ...hostSettings, CHAT_HISTORY_TOKEN_BUDGET: '300' })).url;
    try {
      const id = await newConversation(`turn 0 ${'words '.repeat(40)}`);
      for (let index = 1; index < 8; index++)
        await chat({ message: `turn ${index} ${'words '.repeat(40)}`, conversationId: id });
      await chat({ message: 'the newest question', conversationId: id });
      const sent = stack.model?.recentRequests().at(-1)?.messages ?? [];
      const history = sent.slice(1, -1); // between the system prompt and the new question
      // Counted as the app counts: o200k_base tokens and the chat format around each message.
      const tokens = history.reduce(
        (sum, message) => sum + countMessageTokens({ role: 'user', content: textOf(message.content) }),
        0,
      );
      expect(tokens).toBeLessThanOrEqual(300);
      expect(history.length).toBeGreaterThan(0);
      expect(textOf(history.at(-1)?.content)).toMatch(/^Simulated answer: turn 7/);
      expect(history.some((message) => textOf(message.content).startsWith('turn 0'))).toBe(false);
      expect(sent.at(-1)).toMatchObject({ role: 'user', content: 'the newest question' });
      const stored = (await get(`/conversations/${id}?pageSize=100`)).body as Conversation;
      expect(stored.messages).toHaveLength(18); // trimming affects what the model sees, never what is stored
    } finally {
      await stack.host().stop();
      base = (await stack.startHost(hostSettings)).url;
    }
  });

  describe('easyauth', () => {
    it.each([
      ['no principal headers', {}],
      ['an id without the principal', { 'x-ms-client-principal-id': 'alice-0001' }],
      [
        'a principal that is not base64 JSON',
        { 'x-ms-client-principal-id': 'alice-0001', 'x-ms-client-principal': '%%%' },
      ],
      ['a principal for another user', { ...ALICE, 'x-ms-client-principal-id': 'mallory-9' }],
    ])('when a request carries %s, then 401 with the error envelope', async (_name, headers) => {
      const { status, body } = await getJson(`${base}/api/conversations`, { headers });
      expect(status).toBe(401);
      expect(body).toMatchObject({ error: { code: 'unauthorized' }, correlationId: expect.any(String) });
    });

    it('when the body or query names a user, then it is ignored', async () => {
      const id = await newConversation('mine only');
      const { status } = await getJson(`${base}/api/conversations/${id}?userId=bob-0002`, { headers: BOB });
      expect(status).toBe(404);
    });

    it('when health is called without identity, then it still answers', async () => {
      expect((await getJson(`${base}/api/health`)).status).toBe(200);
    });
  });
});
