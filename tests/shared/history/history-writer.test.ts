import { randomUUID } from 'node:crypto';

import type { HistoryStore } from '../../../src/shared/history/history-store';
import { createHistoryWriter } from '../../../src/shared/history/history-writer';
import type { TurnRecord } from '../../../src/shared/history/turn-record';
import { createLogger } from '../../../src/shared/logging/logger';

const log = createLogger({ level: 'error', format: 'text', redact: (text) => text, sink: () => undefined });
const turn: TurnRecord = {
  version: 1,
  correlationId: 'c-1',
  userId: 'user-1',
  conversationId: 'conversation-1',
  turnId: randomUUID(),
  isNewConversation: true,
  title: 'hi',
  createdAt: new Date().toISOString(),
  messages: [{ role: 'user', content: 'hi' }],
};

function storeThat(append: HistoryStore['appendTurn']): HistoryStore {
  const unused = () => Promise.reject(new Error('not used'));
  return {
    appendTurn: append,
    getConversation: unused,
    recentMessages: unused,
    listConversations: unused,
    listMessages: unused,
    deleteConversation: unused,
  };
}

describe('history writer', () => {
  it('when the store takes the turn, then it is stored and nothing is queued', async () => {
    const queued: unknown[] = [];
    const writer = createHistoryWriter({
      store: storeThat(() => Promise.resolve({ written: 1, requestCharge: 5 })),
      enqueue: (queuedTurn) => Promise.resolve(void queued.push(queuedTurn)),
      timeoutMs: 1_000,
    });
    await expect(writer.persist(turn, log)).resolves.toBe('stored');
    expect(queued).toEqual([]);
  });

  it('when the store fails, then the turn is queued at once', async () => {
    const queued: { turn: TurnRecord; delayMs: number }[] = [];
    const writer = createHistoryWriter({
      store: storeThat(() => Promise.reject(new Error('Cosmos DB is unavailable'))),
      enqueue: (queuedTurn, delayMs) => Promise.resolve(void queued.push({ turn: queuedTurn, delayMs })),
      timeoutMs: 1_000,
    });
    await expect(writer.persist(turn, log)).resolves.toBe('queued');
    expect(queued).toEqual([{ turn, delayMs: 0 }]);
  });

  it('when the store does not answer in time, then the turn is queued at once (the late write and the queued one store it once)', async () => {
    const queued: number[] = [];
    const writer = createHistoryWriter({
      store: storeThat(() => new Promise(() => undefined)),
      enqueue: (_turn, delayMs) => Promise.resolve(void queued.push(delayMs)),
      timeoutMs: 20,
    });
    await expect(writer.persist(turn, log)).resolves.toBe('queued');
    expect(queued).toEqual([0]);
  });

  it('when neither the store nor the queue takes the turn, then it says failed and does not throw', async () => {
    const writer = createHistoryWriter({
      store: storeThat(() => Promise.reject(new Error('down'))),
      enqueue: () => Promise.reject(new Error('queue down too')),
      timeoutMs: 1_000,
    });
    await expect(writer.persist(turn, log)).resolves.toBe('failed');
  });
});
