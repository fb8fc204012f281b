import { ensureError } from '../errors';
import type { Logger } from '../logging/logger';
import { POISONED_FIELD, type QueueInspector, REDRIVEN_FIELD } from './poison-queues';

export interface RedriveReport {
  /** Messages put back on their queue, by poison queue. */
  readonly redriven: Readonly<Record<string, number>>;
  /** Messages left where they are (cannot succeed, too recent, re-driven too often, or a dependency still down). */
  readonly kept: number;
}

const BATCH = 32;
const MAX_BATCHES = 8;
const HIDE_SECONDS = 120;

/**
 * Takes messages out of poison queues whose cause has passed (run by the recovery function):
 * - `<queue>-poison-poison`, which no function should ever fill, goes back to `<queue>-poison` whole;
 * - from `<queue>-poison` (a queue no function drains), a message goes back to `<queue>` once it has been
 *   there `afterMs`, the dependencies answer, and it has been re-driven fewer than `maxRedrives` times;
 *   one the queue function found could never succeed (an invalid message) stays for inspection.
 * Handlers are idempotent, so a re-driven message that was in fact done writes nothing.
 */
export async function redrivePoisonQueues(deps: {
  inspector: QueueInspector;
  send: (queue: string, payload: unknown) => Promise<void>;
  /** The queues whose poison queue no function drains (a drained one never holds what could be re-driven). */
  undrained: readonly string[];
  /** Every queue of the app, for their -poison-poison queues. */
  all: readonly string[];
  afterMs: number;
  maxRedrives: number;
  dependenciesUp: () => Promise<boolean>;
  log: Logger;
  now?: () => number;
}): Promise<RedriveReport> {
  const now = deps.now ?? Date.now;
  const redriven: Record<string, number> = {};
  let kept = 0;
  const drain = async (
    queue: string,
    decide: (payload: unknown, insertedOn: Date) => { queue: string; payload: unknown } | undefined,
  ) => {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const messages = await deps.inspector.receive(queue, BATCH, HIDE_SECONDS);
      if (messages.length === 0) return;
      for (const message of messages) {
        const target = decide(message.payload, message.insertedOn);
        if (target === undefined) {
          kept += 1;
          continue;
        }
        await deps.send(target.queue, target.payload);
        await deps.inspector.remove(queue, message);
        redriven[queue] = (redriven[queue] ?? 0) + 1;
      }
    }
  };

  for (const queue of deps.all) {
    await drain(`${queue}-poison-poison`, (payload) => ({ queue: `${queue}-poison`, payload }));
  }
  if (deps.maxRedrives > 0 && deps.undrained.length > 0) {
    if (!(await deps.dependenciesUp().catch(() => false))) {
      deps.log.info('poison queues are not re-driven: a dependency is still down');
    } else {
      for (const queue of deps.undrained) {
        await drain(`${queue}-poison`, (payload, insertedOn) => {
          // Only a JSON object can be one of the app's messages (and carry its count).
          if (!isRecord(payload)) return undefined;
          const { [POISONED_FIELD]: poisoned, [REDRIVEN_FIELD]: times, ...message } = payload;
          const neverSucceeds =
            typeof poisoned === 'object' &&
            poisoned !== null &&
            'retryable' in poisoned &&
            poisoned.retryable === false;
          const count = typeof times === 'number' && Number.isInteger(times) ? times : 0;
          if (neverSucceeds || count >= deps.maxRedrives || now() - insertedOn.getTime() < deps.afterMs)
            return undefined;
          return { queue, payload: { ...message, [REDRIVEN_FIELD]: count + 1 } };
        }).catch((error: unknown) => {
          deps.log.warn('a poison queue could not be re-driven', {
            queue: `${queue}-poison`,
            error: ensureError(error),
          });
        });
      }
    }
  }
  const total = Object.values(redriven).reduce((sum, count) => sum + count, 0);
  if (total > 0) deps.log.warn('poison queue messages re-driven', { ...redriven, kept });
  return { redriven, kept };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
