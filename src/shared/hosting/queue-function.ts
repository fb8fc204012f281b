import type { StorageQueueHandler } from '@azure/functions';

import { ensureError, isDependencyDown, isRetryable, UpstreamError } from '../errors';
import type { Logger } from '../logging/logger';
import { createRedactor, type Redact } from '../logging/redactor';
import { POISONED_FIELD } from '../recovery/poison-queues';
import { isPoisonQueue, poisonQueueOf } from '../storage-names';
import { runWithCorrelation } from '../telemetry/correlation';
import type { QueueFunctionDefinition, QueueScope } from './function-definition';
import { DEFAULT_CONNECTION } from './function-table';
import { hostQueueSettings } from './host-settings';
import { putBack, readRedelivery, waitedTooLong } from './redelivery';

/**
 * Wraps a queue trigger and applies the one failure rule of every queue function:
 * - a dependency down (`isDependencyDown`: Cosmos DB, the queues or the model unavailable, busy or timing
 *   out) does not spend the message's poison budget: the message goes back onto its own queue with a
 *   delay that doubles with each try (QUEUE_RETRY_BASE_SECONDS, capped at QUEUE_RETRY_MAX_SECONDS),
 *   counted in the message, for as long as the dependency stays down, up to QUEUE_RETRY_MAX_WAIT_SECONDS
 *   in all (counted from `since` in the message); after that the failure takes the host's retries below;
 * - another retryable failure (anything unclassified) fails the delivery, so the host redelivers the
 *   message and moves it to `<queue>-poison` after maxDequeueCount;
 * - a failure that can never succeed (an invalid message, a conflict) moves the message to `<queue>-poison`
 *   at once, with its reason logged, instead of being retried for nothing.
 * A trigger on a poison queue never poisons further (see `settleOnPoisonQueue`).
 * Handlers must be idempotent: a message may be delivered more than once.
 *
 * @example
 * export const historyWritesQueue = defineQueueFunction({
 *   name: 'history-writes', queueName: 'history-writes', messageName: 'turn record',
 *   handle: async (message, { services }) => { await services.history.appendTurn(parseTurn(message)); },
 * });
 */
export function defineQueueFunction<const Name extends string, const Queue extends string>(spec: {
  name: Name;
  queueName: Queue;
  /** What a message is, for the log lines ("batch job", "turn record"). */
  messageName: string;
  connection?: string;
  handle: (message: unknown, scope: QueueScope) => Promise<void>;
}): QueueFunctionDefinition<Name, Queue> {
  const poisonQueue = poisonQueueOf(spec.queueName);
  return {
    kind: 'queue',
    name: spec.name,
    queueName: spec.queueName,
    connection: spec.connection ?? DEFAULT_CONNECTION,
    createHandler: (services): StorageQueueHandler => {
      const redact = createRedactor(services.config);
      return async (message, context) => {
        const metadata = context.triggerMetadata ?? {};
        const dequeueCount = typeof metadata.dequeueCount === 'number' ? metadata.dequeueCount : 1;
        const messageId = typeof metadata.id === 'string' ? metadata.id : context.invocationId;
        const log = services.logger(context).child({ functionName: spec.name, messageId, dequeueCount });
        const { payload, redelivery } = readRedelivery(message);
        try {
          await runWithCorrelation(
            messageId,
            () => spec.handle(payload, { log, services, context, dequeueCount, messageId }),
            { traceParent: context.traceContext?.traceParent },
          );
        } catch (thrown) {
          const error = ensureError(thrown);
          if (
            isDependencyDown(thrown) &&
            waitedTooLong(redelivery, services.config.QUEUE_RETRY_MAX_WAIT_SECONDS)
          ) {
            log.warn(
              `the ${spec.messageName} message has waited for a dependency longer than QUEUE_RETRY_MAX_WAIT_SECONDS; it is put back no more`,
              { error, waitingSince: redelivery?.since, attempt: redelivery?.attempt },
            );
          } else if (isDependencyDown(thrown)) {
            const retryAfterMs = thrown instanceof UpstreamError ? thrown.retryAfterMs : undefined;
            const back = await putBack(
              { queueName: spec.queueName, payload, redelivery, retryAfterMs },
              services,
            ).catch(() => undefined);
            if (back !== undefined) {
              log.warn(`a dependency is down; the ${spec.messageName} message waits for it`, {
                error,
                attempt: back.attempt,
                delaySeconds: back.delaySeconds,
                waitingSince: back.since,
              });
              return;
            }
            // The queue itself could not take it back: the host's own redelivery is what is left.
          }
          const lastDelivery = dequeueCount >= hostQueueSettings().maxDequeueCount;
          if (isPoisonQueue(spec.queueName)) {
            await settleOnPoisonQueue(thrown, {
              ...spec,
              message: payload,
              lastDelivery,
              log,
              redact,
              services,
            });
            return;
          }
          if (isRetryable(thrown)) {
            log.warn('queue message failed; the host will retry it', { error });
            if (lastDelivery) {
              log.error(
                `the ${spec.messageName} message failed its last delivery; it stays in ${poisonQueue}`,
              );
            }
            throw thrown;
          }
          // Marked as a message that can never succeed: the recovery function leaves it for inspection.
          await services.sendToQueue(poisonQueue, markedInvalid(payload, error.message));
          log.error(`invalid ${spec.messageName} message moved to ${poisonQueue}`, {
            reason: error.message.slice(0, 1000),
          });
        }
      };
    },
  };
}

// A poison message that keeps failing for a reason that may pass is tried again this much later.
const POISON_RETRY_DELAY_MS = 5 * 60_000;
const EXCERPT_CHARS = 300;

/**
 * A trigger on a poison queue never moves a message on (nothing is ever left in `<queue>-poison-poison`):
 * - a message that can never succeed (unreadable) is logged at error level, with its reason and a short,
 *   redacted excerpt, and the delivery completes: the log line is its record;
 * - a failure that may pass is retried by the host as usual, and after its last delivery the message goes
 *   back onto its own queue, to be tried again later.
 */
async function settleOnPoisonQueue(
  thrown: unknown,
  scope: {
    queueName: string;
    messageName: string;
    message: unknown;
    lastDelivery: boolean;
    log: Logger;
    redact: Redact;
    services: Pick<QueueScope['services'], 'sendToQueue'>;
  },
): Promise<void> {
  const { queueName, messageName, log } = scope;
  const error = ensureError(thrown);
  if (!isRetryable(thrown)) {
    log.error(
      `unreadable ${messageName} message in ${queueName} dropped; a poison queue's trigger poisons no further`,
      {
        reason: excerptOf(error.message, scope.redact),
        excerpt: excerptOf(scope.message, scope.redact),
      },
    );
    return;
  }
  log.warn('queue message failed; the host will retry it', { error });
  if (!scope.lastDelivery) throw thrown;
  await scope.services.sendToQueue(queueName, scope.message, { delayMs: POISON_RETRY_DELAY_MS });
  log.error(
    `the ${messageName} message in ${queueName} failed its last delivery; it is back in ${queueName}, to be tried again in ${POISON_RETRY_DELAY_MS / 60_000} minutes`,
  );
}

/** The start of a message (or a reason) for a log line: redacted before it is cut, so a cut never leaves part of a secret. */
function excerptOf(message: unknown, redact: Redact): string {
  let text: string;
  try {
    // JSON.stringify gives undefined (despite its declared type) for undefined.
    const json: unknown = typeof message === 'string' ? message : JSON.stringify(message);
    text = typeof json === 'string' ? json : 'undefined';
  } catch {
    text = '(a message that cannot be printed)';
  }
  const redacted = redact(text);
  return redacted.length > EXCERPT_CHARS ? `${redacted.slice(0, EXCERPT_CHARS)}...` : redacted;
}

function markedInvalid(payload: unknown, reason: string): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  return {
    ...payload,
    [POISONED_FIELD]: { retryable: false, reason: reason.slice(0, 300), at: new Date().toISOString() },
  };
}
