import type { QueueClient, QueueServiceClient } from '@azure/storage-queue';

import { AppError, UpstreamError } from '../errors';
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
    // Outside the try: a message that cannot be encoded is a bug, not a queue outage.
    const text = encodeQueueMessage(payload);
    try {
      await (
        await clientOf(queue)
      ).sendMessage(text, delayMs > 0 ? { visibilityTimeout: Math.ceil(delayMs / 1000) } : {});
    } catch (error) {
      throw toQueueError(error, queue);
    }
  };
}

const OUTAGE = new Set([408, 429, 500, 502, 503, 504]);

/**
 * The same rule as for Cosmos DB: no answer, a timeout, throttling or a 5xx outage is a dependency down;
 * refused access or a missing queue (401, 403, 404: the settings or the Bicep) is a 502 the host may retry;
 * any other refusal (a 400, a 413 for a message over 64 KB) would be refused again and is never retried.
 */
function toQueueError(error: unknown, queue: string): unknown {
  const status =
    typeof error === 'object' &&
    error !== null &&
    'statusCode' in error &&
    typeof error.statusCode === 'number'
      ? error.statusCode
      : undefined;
  if (status === undefined || OUTAGE.has(status)) {
    return new UpstreamError(503, 'queue_unavailable', 'The storage queue is unavailable; retry shortly', 5);
  }
  if (status === 401 || status === 403 || status === 404 || status >= 500) {
    return new UpstreamError(
      502,
      'queue_error',
      `The storage queue ${queue} answered ${status}; check AzureWebJobsStorage and the app's Storage Queue Data Contributor role`,
    );
  }
  return new AppError(
    502,
    'queue_rejected',
    `The storage queue ${queue} refused the message (${status})`,
    undefined,
    {},
    false,
  );
}
