import { ensureError } from '../errors';
import type { Logger } from '../logging/logger';
import type { HistoryStore } from './history-store';
import type { TurnRecord } from './turn-record';

export type PersistOutcome = 'stored' | 'queued' | 'failed';

export interface HistoryWriter {
  /**
   * Writes a finished (or cut-off) turn; never throws. 'failed' (neither Cosmos DB nor the queue took it)
   * is for the caller to act on: a chat turn then fails rather than show an answer that is not kept.
   */
  persist(turn: TurnRecord, log: Logger): Promise<PersistOutcome>;
}

/**
 * Cosmos DB first, within a time limit; when that fails the turn goes onto the history-writes queue and a
 * queue-triggered function writes it later (the turn id makes a second write a no-op).
 */
export function createHistoryWriter(deps: {
  store: HistoryStore;
  /** Sends the turn to the history-writes queue, invisible for `delayMs`. */
  enqueue: (turn: TurnRecord, delayMs: number) => Promise<void>;
  timeoutMs: number;
}): HistoryWriter {
  return {
    async persist(turn, log) {
      const fields = { conversationId: turn.conversationId, turnId: turn.turnId };
      try {
        const { requestCharge } = await withTimeout(deps.store.appendTurn(turn), deps.timeoutMs);
        log.debug('turn stored', { ...fields, requestCharge });
        return 'stored';
      } catch (error) {
        log.warn('storing the turn failed; queueing it for a later write', {
          ...fields,
          error: ensureError(error),
        });
      }
      try {
        // At once, even when the write only timed out and may still land: its messages have fixed ids
        // and a fixed place, and it is counted once, so two writers of one turn store it once.
        await deps.enqueue(turn, 0);
        return 'queued';
      } catch (error) {
        log.error('the turn could not be stored or queued', { ...fields, error: ensureError(error) });
        return 'failed';
      }
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
