import { QueueServiceClient } from '@azure/storage-queue';

import type { QueueSettings } from '../../dev/local-host/host-config';
import { type QueueTriggerMetadata, startQueueListener } from '../../dev/local-host/queue-listener';
import { type Azurite, startAzurite } from '../../dev/stack/azurite';
import { freePort, waitFor } from '../../dev/stack/ports';
import { encodeQueueMessage } from '../../src/shared/queues/queue-service';

const settings: QueueSettings = {
  batchSize: 4,
  newBatchThreshold: 2,
  maxDequeueCount: 3,
  visibilityTimeoutMs: 0,
  maxPollingIntervalMs: 200,
  messageEncoding: 'base64',
};

describe('queue trigger semantics against Azurite', () => {
  let azurite: Azurite;
  let service: QueueServiceClient;

  beforeAll(async () => {
    azurite = await startAzurite({ blobPort: 0, queuePort: await freePort(), tablePort: 0, queueOnly: true });
    service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  });
  afterAll(() => azurite.stop());

  it('when a base64 JSON message arrives, then the handler gets the parsed object and trigger metadata, and it is deleted', async () => {
    const queue = service.getQueueClient('ok-messages');
    await queue.createIfNotExists();
    const seen: { payload: unknown; metadata: QueueTriggerMetadata }[] = [];
    const listener = await startQueueListener({
      queueService: service,
      queueName: 'ok-messages',
      settings,
      leaseMs: 4000,
      log: () => undefined,
      invoke: (payload, metadata) => {
        seen.push({ payload, metadata });
        return Promise.resolve();
      },
    });
    try {
      await queue.sendMessage(encodeQueueMessage({ hello: 'world' }));
      await waitFor(() => Promise.resolve(seen.length === 1), 10_000, 'the handler');
      expect(seen[0]?.payload).toEqual({ hello: 'world' });
      expect(seen[0]?.metadata).toMatchObject({
        dequeueCount: 1,
        id: expect.any(String),
        popReceipt: expect.any(String),
      });
      await waitFor(
        async () => (await queue.getProperties()).approximateMessagesCount === 0,
        10_000,
        'the delete',
      );
    } finally {
      await listener.stop();
    }
  });

  it('when the handler always fails, then it is retried maxDequeueCount times and the message lands in <queue>-poison', async () => {
    const queue = service.getQueueClient('failing');
    await queue.createIfNotExists();
    const attempts: number[] = [];
    const listener = await startQueueListener({
      queueService: service,
      queueName: 'failing',
      settings,
      leaseMs: 4000,
      log: () => undefined,
      invoke: (_payload, metadata) => {
        attempts.push(metadata.dequeueCount);
        return Promise.reject(new Error('boom'));
      },
    });
    const poison = service.getQueueClient('failing-poison');
    try {
      await queue.sendMessage(encodeQueueMessage({ id: 7 }));
      await waitFor(
        async () => (await poison.exists()) && (await poison.peekMessages()).peekedMessageItems.length === 1,
        20_000,
        'the poison message',
      );
      expect(attempts).toEqual([1, 2, 3]);
      const [poisoned] = (await poison.peekMessages()).peekedMessageItems;
      expect(JSON.parse(Buffer.from(poisoned?.messageText ?? '', 'base64').toString())).toEqual({ id: 7 });
      expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
    } finally {
      await listener.stop();
    }
  }, 30_000);

  it('when a message is not base64, then it fails like any other and is poisoned', async () => {
    const queue = service.getQueueClient('not-base64');
    await queue.createIfNotExists();
    let calls = 0;
    const listener = await startQueueListener({
      queueService: service,
      queueName: 'not-base64',
      settings,
      leaseMs: 4000,
      log: () => undefined,
      invoke: () => {
        calls += 1;
        return Promise.resolve();
      },
    });
    const poison = service.getQueueClient('not-base64-poison');
    try {
      await queue.sendMessage('{not base64!}');
      await waitFor(
        async () => (await poison.exists()) && (await poison.peekMessages()).peekedMessageItems.length === 1,
        20_000,
        'the poison message',
      );
      expect(calls).toBe(0);
    } finally {
      await listener.stop();
    }
  }, 30_000);

  it('when a handler outlives the lease, then the lease is renewed and the message is not delivered twice', async () => {
    const queue = service.getQueueClient('slow');
    await queue.createIfNotExists();
    let calls = 0;
    const listener = await startQueueListener({
      queueService: service,
      queueName: 'slow',
      settings,
      leaseMs: 2000,
      log: () => undefined,
      invoke: async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 4500));
      },
    });
    try {
      await queue.sendMessage(encodeQueueMessage({ slow: true }));
      await waitFor(
        async () => calls === 1 && (await queue.getProperties()).approximateMessagesCount === 0,
        15_000,
        'the slow message',
      );
      expect(calls).toBe(1);
    } finally {
      await listener.stop();
    }
  }, 30_000);
});
