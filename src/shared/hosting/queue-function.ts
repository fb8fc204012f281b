import type { StorageQueueHandler } from '@azure/functions';

import { ensureError } from '../errors';
import { runWithCorrelation } from '../telemetry/correlation';
import type { QueueFunctionDefinition, QueueScope } from './function-definition';

/**
 * Wraps a queue trigger. A thrown error fails the delivery: the host retries the message and moves it
 * to `<queue>-poison` after maxDequeueCount, so handlers must be idempotent.
 */
export function defineQueueFunction(spec: {
  name: string;
  queueName: string;
  connection?: string;
  handle: (message: unknown, scope: QueueScope) => Promise<void>;
}): QueueFunctionDefinition {
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
          log.warn('queue message failed; the host will retry it', { error: ensureError(thrown) });
          throw thrown;
        }
      },
  };
}
