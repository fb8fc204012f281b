import type { QueueServiceClient } from '@azure/storage-queue';

import type { QueueInspector } from '../recovery/poison-queues';

/** The queue inspector over Azure Storage queues: base64 JSON messages, as the app and the host write them. */
export function createQueueInspector(service: () => Promise<QueueServiceClient>): QueueInspector {
  return {
    async receive(queue, count, hideSeconds) {
      const client = (await service()).getQueueClient(queue);
      if (!(await client.exists())) return [];
      const { receivedMessageItems } = await client.receiveMessages({
        numberOfMessages: Math.min(32, count),
        visibilityTimeout: hideSeconds,
      });
      return receivedMessageItems.map((item) => ({
        id: item.messageId,
        popReceipt: item.popReceipt,
        insertedOn: item.insertedOn,
        payload: decode(item.messageText),
      }));
    },
    async remove(queue, message) {
      await (await service()).getQueueClient(queue).deleteMessage(message.id, message.popReceipt);
    },
    async hide(queue, message, hideSeconds) {
      await (
        await service()
      )
        .getQueueClient(queue)
        .updateMessage(message.id, message.popReceipt, undefined, hideSeconds);
    },
  };
}

function decode(text: string): unknown {
  const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(text.trim())
    ? Buffer.from(text, 'base64').toString('utf8')
    : text;
  try {
    return JSON.parse(decoded);
  } catch {
    return decoded;
  }
}
