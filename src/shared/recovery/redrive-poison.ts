import { ensureError } from '../errors';
import type { Logger } from '../logging/logger';
import { deadQueueOf } from '../storage-names';
import { POISONED_FIELD, type QueuedMessage, type QueueInspector, REDRIVEN_FIELD } from './poison-queues';

export interface RedriveReport {
  /** Messages put back on their queue, by poison queue. */
  readonly redriven: Readonly<Record<string, number>>;
  /** Messages moved to `<queue>-dead`, by dead-letter queue: they will never be re-driven. */
  readonly dead: Readonly<Record<string, number>>;
  /** Messages left where they are until they could qualify (too recent), or because a dependency is still down. */
  readonly kept: number;
}

const BATCH = 32;
const MAX_BATCHES = 8;
const HIDE_SECONDS = 120;
// Azure refuses a visibility timeout past 7 days, or past the message's expiry.
const MAX_HIDE_SECONDS = 6 * 86_400;

/** What becomes of one poison message. */
type Decision =
  | { readonly action: 'redrive'; readonly queue: string; readonly payload: unknown }
  | { readonly action: 'dead'; readonly reason: string }
  | { readonly action: 'wait'; readonly seconds: number };

/**
 * Takes messages out of poison queues whose cause has passed (run by the recovery function):
 * - `<queue>-poison-poison`, which no function should ever fill, goes back to `<queue>-poison` whole;
 * - from `<queue>-poison` (a queue no function drains), a message goes back to `<queue>` once it has been
 *   there `afterMs` and the dependencies answer; one that is too recent is hidden until it could qualify;
 * - one that never will (marked by its queue function as never able to succeed, not a JSON object, or
 *   re-driven `maxRedrives` times) is logged with why and moved to `<queue>-dead` for inspection, so that
 *   it never stands in the way of the messages behind it (a run looks at 256 messages per queue at most).
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
  /** How long a message a run receives stays out of sight while the run decides (shortened in tests). */
  keptHideSeconds?: number;
}): Promise<RedriveReport> {
  const now = deps.now ?? Date.now;
  const redriven: Record<string, number> = {};
  const dead: Record<string, number> = {};
  let kept = 0;
  const settle = async (queue: string, message: QueuedMessage, decision: Decision, deadQueue: string) => {
    if (decision.action === 'wait') {
      kept += 1;
      const seconds = Math.min(MAX_HIDE_SECONDS, decision.seconds);
      // Out of sight until it qualifies, sooner or later than the receive's own hide. Best effort: should
      // it fail, the message is only out of sight for the receive's hide.
      await deps.inspector.hide(queue, message, seconds).catch(() => undefined);
      return;
    }
    if (decision.action === 'dead') {
      deps.log.warn(`poison message moved to ${deadQueue}: ${decision.reason}`, {
        queue,
        messageId: message.id,
      });
      await deps.send(deadQueue, message.payload);
      dead[deadQueue] = (dead[deadQueue] ?? 0) + 1;
    } else {
      await deps.send(decision.queue, decision.payload);
      redriven[queue] = (redriven[queue] ?? 0) + 1;
    }
    await deps.inspector.remove(queue, message);
  };
  const drain = async (queue: string, deadQueue: string, decide: (message: QueuedMessage) => Decision) => {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const messages = await deps.inspector.receive(queue, BATCH, deps.keptHideSeconds ?? HIDE_SECONDS);
      if (messages.length === 0) return;
      for (const message of messages) await settle(queue, message, decide(message), deadQueue);
    }
  };

  for (const queue of deps.all) {
    await drain(`${queue}-poison-poison`, deadQueueOf(queue), ({ payload }) => ({
      action: 'redrive',
      queue: `${queue}-poison`,
      payload,
    }));
  }
  if (deps.maxRedrives > 0 && deps.undrained.length > 0) {
    if (!(await deps.dependenciesUp().catch(() => false))) {
      deps.log.info('poison queues are not re-driven: a dependency is still down');
    } else {
      for (const queue of deps.undrained) {
        await drain(`${queue}-poison`, deadQueueOf(queue), (message) =>
          decide(queue, message, deps, now()),
        ).catch((error: unknown) => {
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
  return { redriven, dead, kept };
}

function decide(
  queue: string,
  { payload, insertedOn }: QueuedMessage,
  settings: { afterMs: number; maxRedrives: number },
  now: number,
): Decision {
  // Only a JSON object can be one of the app's messages (and carry its count).
  if (!isRecord(payload)) return { action: 'dead', reason: 'not a JSON object' };
  const { [POISONED_FIELD]: poisoned, [REDRIVEN_FIELD]: times, ...message } = payload;
  if (isRecord(poisoned) && poisoned.retryable === false) {
    const reason = typeof poisoned.reason === 'string' ? `: ${poisoned.reason.slice(0, 300)}` : '';
    return { action: 'dead', reason: `its queue function found it can never succeed${reason}` };
  }
  const count = typeof times === 'number' && Number.isInteger(times) ? times : 0;
  if (count >= settings.maxRedrives) {
    return { action: 'dead', reason: `re-driven ${count} times (POISON_MAX_REDRIVES) and failed each time` };
  }
  const waitMs = insertedOn.getTime() + settings.afterMs - now;
  if (waitMs > 0) return { action: 'wait', seconds: Math.ceil(waitMs / 1000) };
  return { action: 'redrive', queue, payload: { ...message, [REDRIVEN_FIELD]: count + 1 } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
