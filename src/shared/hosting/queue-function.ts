import type { StorageQueueHandler } from '@azure/functions';

import { ensureError, isRetryable } from '../errors';
import { poisonQueueOf } from '../storage-names';
import { runWithCorrelation } from '../telemetry/correlation';
import type { QueueFunctionDefinition, QueueScope } from './function-definition';
import { hostQueueSettings } from './host-settings';

/**
 * Wraps a queue trigger and applies the one failure rule of every queue function:
 * - a retryable failure (`isRetryable`: a dependency down, a rate limit, anything unclassified) fails the
 *   delivery, so the host redelivers the message and moves it to `<queue>-poison` after maxDequeueCount;
 * - a failure that can never succeed (an invalid message, a conflict) moves the message to `<queue>-poison`
 *   at once, with its reason logged, instead of being retried for nothing.
 * Handlers must be idempotent: a message may be delivered more than once.
 *
 * @example
 * export const historyWritesQueue = defineQueueFunction({
 *   name: 'history-writes', queueName: 'history-writes', messageName: 'turn record',
 *   handle: async (message, { services }) => { await services.history.appendTurn(parseTurn(message)); },
 * });
 */
export function defineQueueFunction(spec: {
  name: string;
  queueName: string;
  /** What a message is, for the log lines ("batch job", "turn record"). */
  messageName: string;
  connection?: string;
  handle: (message: unknown, scope: QueueScope) => Promise<void>;
}): QueueFunctionDefinition {
  const poisonQueue = poisonQueueOf(spec.queueName);
  return {
    kind: 'queue',
    name: spec.name,
    queueName: spec.queueName,
    connection: spec.connection ?? 'AzureWebJobsStorage',
    createHandler:
      (services): StorageQueueHandler =>
      async (message, context) => {
        const metadata = context.triggerMetadata ?? {};
        const dequeueCount = typeof metadata.dequeueCount === 'number' ? metadata.dequeueCount : 1;
        const messageId = typeof metadata.id === 'string' ? metadata.id : context.invocationId;
        const log = services.logger(context).child({ functionName: spec.name, messageId, dequeueCount });
        try {
          await runWithCorrelation(
            messageId,
            () => spec.handle(message, { log, services, context, dequeueCount, messageId }),
            { traceParent: context.traceContext?.traceParent },
          );
        } catch (thrown) {
          const error = ensureError(thrown);
          if (isRetryable(thrown)) {
            log.warn('queue message failed; the host will retry it', { error });
            if (dequeueCount >= hostQueueSettings().maxDequeueCount) {
              log.error(
                `the ${spec.messageName} message failed its last delivery; it stays in ${poisonQueue}`,
              );
            }
            throw thrown;
          }
          await services.sendToQueue(poisonQueue, message);
          log.error(`invalid ${spec.messageName} message moved to ${poisonQueue}`, {
            reason: error.message.slice(0, 1000),
          });
        }
      },
  };
}
