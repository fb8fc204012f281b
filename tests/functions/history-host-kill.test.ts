import { appRootWithQueues, type CosmosProcess, startCosmosProcess } from '../../dev/stack/fault-stack';
import { waitFor } from '../../dev/stack/ports';
import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const USER = easyAuthHeaders('history-kill-user');
const HOST = {
  AUTH_MODE: 'easyauth',
  QUEUE_RETRY_BASE_SECONDS: '1',
  QUEUE_RETRY_MAX_SECONDS: '4',
  RECOVERY_SCHEDULE: '*/2 * * * * *',
  POISON_REDRIVE_AFTER_SECONDS: '2',
};

interface Conversation {
  messages: { role: string; content: string }[];
}

/**
 * What a chat turn guarantees when its host dies (src/shared/chat/persist-turn.ts, history-writer.ts): the
 * answer (JSON 200, the stream's `done`) goes out only after the turn is stored in Cosmos DB or, when that
 * takes over 5 s, on the history-writes queue. So a turn the client saw answered is stored once, in its
 * place; a turn whose host died before that may be absent, but never stored in part or twice.
 */
describe('the local host killed with SIGKILL while a chat turn writes its history (Cosmos DB frozen with SIGSTOP, so the write hangs)', () => {
  let cosmos: CosmosProcess;
  let app: { path: string; remove(): void };
  let stack: TestStack;
  let base: string;

  const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...USER, ...headers },
      body: JSON.stringify(body),
    });
  const conversation = async (id: string) =>
    (await getJson(`${base}/api/conversations/${id}`, { headers: USER })) as {
      status: number;
      body: Conversation;
    };
  const contents = async (id: string) => (await conversation(id)).body.messages.map((m) => m.content);
  /** Freezes Cosmos DB once `turns` model calls are running: each turn has read its history already. */
  const freezeDuringModelCalls = async (turns: number) => {
    await waitFor(
      () => Promise.resolve((stack.model?.stats().inFlight ?? 0) >= turns),
      30_000,
      'the model calls',
    );
    cosmos.pause();
  };
  /** Kills the host (a crash), thaws Cosmos DB and starts a new host; returns what the dead one logged. */
  const restart = async () => {
    const dead = stack.host();
    await dead.kill();
    cosmos.resume();
    base = (await stack.startHost(HOST)).url;
    return dead.output();
  };
  const QUEUED = /storing the turn failed; queueing it for a later write/g;
  const firstTurn = async (message: string) => {
    const answer = await post({ message });
    expect(answer.status).toBe(200);
    return (answer.body as { conversationId: string }).conversationId;
  };

  beforeAll(async () => {
    cosmos = await startCosmosProcess();
    app = appRootWithQueues({ maxDequeueCount: 3, visibilityTimeout: '00:00:02' });
    stack = await startTestStack({ settings: cosmos.settings, appRoot: app.path });
    base = (await stack.startHost(HOST)).url;
  }, 60_000);
  afterEach(() => {
    cosmos.resume();
    stack.model?.configure({ timeToFirstTokenMs: 0 });
  });
  afterAll(async () => {
    cosmos.resume();
    await stack.stop();
    await cosmos.stop();
    app.remove();
  });

  it('when the client saw its turns answered (JSON 200, stream done) and then the host died, then each turn is stored once, in conversation order', async () => {
    const ongoing = await firstTurn('answered turn 1');
    stack.model?.configure({ timeToFirstTokenMs: 1_500 });
    const turns = Promise.all([
      post({ message: 'answered turn 2', conversationId: ongoing }),
      post({ message: 'answered streamed turn', stream: true }),
    ]);
    await freezeDuringModelCalls(2);
    // The writes hang; after 5 s each turn goes onto history-writes, and only then is it answered.
    const [json, streamed] = await turns;
    expect(json.status).toBe(200);
    expect(streamed.status).toBe(200);
    const events = String(streamed.body)
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice('data: '.length)) as { type: string; conversationId?: string });
    expect(events.at(-1)?.type).toBe('done');
    const streamedId = events[0]?.conversationId ?? '';

    // Both were answered from the queued copy: the write to Cosmos DB was still hanging.
    expect((await restart()).match(QUEUED)).toHaveLength(2);
    stack.model?.configure({ timeToFirstTokenMs: 0 });
    expect((await post({ message: 'answered turn 3', conversationId: ongoing })).status).toBe(200);

    const expected = [
      'answered turn 1',
      'Simulated answer: answered turn 1',
      'answered turn 2',
      'Simulated answer: answered turn 2',
      'answered turn 3',
      'Simulated answer: answered turn 3',
    ];
    await waitFor(async () => (await contents(ongoing)).length >= expected.length, 60_000, ongoing);
    await waitFor(async () => (await conversation(streamedId)).status === 200, 60_000, streamedId);
    // Both copies of a turn (the hung write, thawed, and the queued one) have had their chance to land.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(await contents(ongoing)).toEqual(expected);
    expect(await contents(streamedId)).toEqual([
      'answered streamed turn',
      'Simulated answer: answered streamed turn',
    ]);
    const listed = (await getJson(`${base}/api/conversations`, { headers: USER })).body as {
      conversations: { id: string; messageCount: number }[];
    };
    expect(listed.conversations.find((item) => item.id === ongoing)?.messageCount).toBe(expected.length);
  }, 180_000);

  it('when the host died before the client saw its turns answered, then each turn is absent or whole, never in part or twice', async () => {
    const ongoing = await firstTurn('kept turn 1');
    stack.model?.configure({ timeToFirstTokenMs: 1_000 });
    stack.model?.resetStats();
    const seen: number[] = [];
    const turns = Promise.allSettled([
      post({ message: 'unanswered turn 2', conversationId: ongoing }),
      post({ message: 'unanswered new conversation' }),
    ]).then((outcomes) => {
      for (const outcome of outcomes) if (outcome.status === 'fulfilled') seen.push(outcome.value.status);
    });
    await freezeDuringModelCalls(2);
    // The model has answered both; their writes hang, well inside the 5 s after which a turn is queued.
    await waitFor(() => Promise.resolve((stack.model?.stats().completed ?? 0) >= 2), 30_000, 'the answers');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The host died with both writes hanging: neither had reached its 5 s limit and the queue.
    expect((await restart()).match(QUEUED)).toBeNull();
    await turns;
    expect(seen).toEqual([]); // neither client saw an answer
    stack.model?.configure({ timeToFirstTokenMs: 0 });
    expect((await post({ message: 'kept turn 3', conversationId: ongoing })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 8_000));

    const stored = await contents(ongoing);
    const turn2 = ['unanswered turn 2', 'Simulated answer: unanswered turn 2'];
    expect([
      ['kept turn 1', 'Simulated answer: kept turn 1', 'kept turn 3', 'Simulated answer: kept turn 3'],
      [
        'kept turn 1',
        'Simulated answer: kept turn 1',
        ...turn2,
        'kept turn 3',
        'Simulated answer: kept turn 3',
      ],
    ]).toContainEqual(stored);
    const listed = (await getJson(`${base}/api/conversations`, { headers: USER })).body as {
      conversations: { id: string; title: string; messageCount: number }[];
    };
    expect(listed.conversations.find((item) => item.id === ongoing)?.messageCount).toBe(stored.length);
    // The new conversation's turn: not there at all, or whole (no conversation without its messages).
    const others = listed.conversations.filter((item) => item.title.includes('unanswered'));
    for (const other of others) {
      expect(await contents(other.id)).toEqual([
        'unanswered new conversation',
        'Simulated answer: unanswered new conversation',
      ]);
    }
    process.stdout.write(
      `host killed mid-write: continued turn ${stored.length === 6 ? 'stored' : 'absent'}, new conversation ${others.length === 0 ? 'absent' : 'stored'}\n`,
    );
  }, 180_000);
});
