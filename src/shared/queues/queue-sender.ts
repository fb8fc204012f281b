import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';

import { UpstreamError } from '../errors';
import { encodeQueueMessage } from './queue-service';

/** Puts one JSON message on a queue, invisible for `delayMs` when given. */
export type SendToQueue = (queue: string, payload: unknown, options?: { delayMs?: number }) => Promise<void>;

/**
 * The one way the app writes to a queue: base64 JSON, a delay in whole seconds (rounded up), one client
 * per queue. Locally (Azurite) a missing queue is created on first use; in Azure the Bicep creates them.
 *
 * @example
 * const send = createQueueSender(queueService, { createMissing: false });
 * await send('batch-items', slice, { delayMs: 30_000 });
 */
export function createQueueSender(
  service: () => Promise<QueueServiceClient>,
  options: { createMissing: boolean },
): SendToQueue {
  const clients = new Map<string, Promise<QueueClient>>();
  const clientOf = (name: string) => {
    let client = clients.get(name);
    if (client === undefined) {
      client = (async () => {
        const created = (await service()).getQueueClient(name);
        if (options.createMissing) await created.createIfNotExists();
        return created;
      })().catch((error: unknown) => {
        clients.delete(name); // a failed connection attempt is retried on the next message
        throw error;
      });
      clients.set(name, client);
    }
    return client;
  };
  return async (queue, payload, { delayMs = 0 } = {}) => {
    try {
      await (
        await clientOf(queue)
      ).sendMessage(
        encodeQueueMessage(payload),
        delayMs > 0 ? { visibilityTimeout: Math.ceil(delayMs / 1000) } : {},
      );
    } catch (error) {
      throw toQueueError(error);
    }
  };
}

/** A queue service that cannot be reached or answers 5xx is a dependency down; a 4xx is the message's own fault. */
function toQueueError(error: unknown): unknown {
  const status =
    typeof error === 'object' &&
    error !== null &&
    'statusCode' in error &&
    typeof error.statusCode === 'number'
      ? error.statusCode
      : undefined;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) return error;
  return new UpstreamError(503, 'queue_unavailable', 'The storage queue is unavailable; retry shortly', 5);
}
