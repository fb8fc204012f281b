import { UpstreamError } from '../errors';
import type { PersistOutcome } from '../history/history-writer';
import type { ChatMessage } from '../model/chat-model';
import type { toTurnRecord, TurnMessage } from './chat-turn-record';
import type { ChatEvent } from './tool-loop';

/**
 * Stores the turn when it finishes, or, if it is cut off after producing something, as far as it got.
 * The finish goes to the caller only once the turn is stored or queued: a turn neither could take fails
 * (503, or a stream's error event), so that no caller is shown an answer that is then lost.
 */
export async function* persisting(
  events: AsyncIterable<ChatEvent>,
  incoming: readonly ChatMessage[],
  record: (messages: readonly TurnMessage[]) => ReturnType<typeof toTurnRecord>,
  persist: (turn: ReturnType<typeof toTurnRecord>) => Promise<PersistOutcome>,
  /**
   * Whether a turn cut off is kept: a stream has shown the caller part of an answer, and a turn whose
   * client went away has run its tools; a JSON turn that failed is simply retried. Asked when it is cut.
   */
  keepCutOff: () => boolean,
): AsyncGenerator<ChatEvent, void, undefined> {
  let text = '';
  let produced = false;
  let finished = false;
  try {
    for await (const event of events) {
      produced = true;
      if (event.type === 'text-delta') text += event.text;
      if (event.type === 'finish') {
        finished = true;
        if ((await persist(record([...incoming, ...event.outcome.newMessages]))) === 'failed')
          throw new UpstreamError(
            503,
            'storage_unavailable',
            'The answer could not be saved; retry shortly',
            5,
          );
      }
      yield event;
    }
  } finally {
    if (!finished && produced && keepCutOff())
      await persist(record([...incoming, { role: 'assistant', content: text, incomplete: true }]));
  }
}
