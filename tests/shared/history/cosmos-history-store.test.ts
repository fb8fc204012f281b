import { randomUUID } from 'node:crypto';

import { type CosmosEmulator, startCosmosEmulator } from '../../../dev/stack/cosmos-emulator';
import { freePort } from '../../../dev/stack/ports';
import { toTurnRecord } from '../../../src/shared/chat/chat-turn-record';
import { createCosmosClient } from '../../../src/shared/cosmos/cosmos-client';
import { createContainerProvider } from '../../../src/shared/cosmos/cosmos-containers';
import { createCosmosHistoryStore } from '../../../src/shared/history/cosmos-history-store';
import type { HistoryStore } from '../../../src/shared/history/history-store';

describe('the Cosmos DB history store, against the emulator', () => {
  let emulator: CosmosEmulator;
  let store: HistoryStore;
  const caller = { userId: 'history-user-1' };

  beforeAll(async () => {
    emulator = await startCosmosEmulator(await freePort());
    const config = { COSMOS_ENDPOINT: emulator.endpoint, COSMOS_KEY: emulator.key, COSMOS_DATABASE: 'chat' };
    const client = createCosmosClient(config, () => Promise.reject(new Error('key only')));
    const containers = createContainerProvider(() => client, config);
    store = createCosmosHistoryStore(() => containers('conversations'), {});
  });
  afterAll(() => emulator.stop());

  const turn = (conversationId: string, isNew: boolean, text: string, startedAt: string) =>
    toTurnRecord({
      caller,
      conversationId,
      isNew,
      correlationId: 'c',
      startedAt,
      messages: [
        { role: 'user', content: text },
        { role: 'assistant', content: `answer to ${text}` },
      ],
    });

  it('when a turn that started earlier is written after a later one, then it lands in its place and seq stays gap-free', async () => {
    const id = randomUUID();
    await store.appendTurn(turn(id, true, 'first', '2026-01-01T10:00:00.000Z'));
    const late = turn(id, false, 'second', '2026-01-01T10:01:00.000Z');
    await store.appendTurn(turn(id, false, 'third', '2026-01-01T10:02:00.000Z'));
    await store.appendTurn(late); // the delayed write, e.g. from the history-writes queue
    const { items } = await store.listMessages(caller.userId, id, { size: 100 });
    expect(items.map((message) => message.content)).toEqual([
      'first',
      'answer to first',
      'second',
      'answer to second',
      'third',
      'answer to third',
    ]);
    expect(items.map((message) => message.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await store.getConversation(caller.userId, id))?.messageCount).toBe(6);
  });

  it('when two writers store the same turn at once, then its messages and its count are stored once', async () => {
    const id = randomUUID();
    await store.appendTurn(turn(id, true, 'start', new Date().toISOString()));
    const racing = turn(id, false, 'raced', new Date().toISOString());
    await Promise.all([store.appendTurn(racing), store.appendTurn(racing), store.appendTurn(racing)]);
    const { items } = await store.listMessages(caller.userId, id, { size: 100 });
    expect(items.map((message) => message.content)).toEqual([
      'start',
      'answer to start',
      'raced',
      'answer to raced',
    ]);
    expect((await store.getConversation(caller.userId, id))?.messageCount).toBe(4);
  });

  it('when messages are read page by page, then seq continues across pages', async () => {
    const id = randomUUID();
    for (let index = 0; index < 3; index++)
      await store.appendTurn(turn(id, index === 0, `page ${index}`, `2026-01-01T10:0${index}:00.000Z`));
    const first = await store.listMessages(caller.userId, id, { size: 4 });
    const second = await store.listMessages(caller.userId, id, {
      size: 4,
      ...(first.continuationToken === undefined ? {} : { continuationToken: first.continuationToken }),
    });
    expect([...first.items, ...second.items].map((message) => message.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(second.items[0]?.content).toBe('page 2');
  });
});
