import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';

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
    await (
      await clientOf(queue)
    ).sendMessage(
      encodeQueueMessage(payload),
      delayMs > 0 ? { visibilityTimeout: Math.ceil(delayMs / 1000) } : {},
    );
  };
}
