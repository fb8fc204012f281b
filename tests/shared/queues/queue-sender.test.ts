import { QueueServiceClient } from '@azure/storage-queue';

import { type Azurite, startAzurite } from '../../../dev/stack/azurite';
import { freePort } from '../../../dev/stack/ports';
import { AppError, isDependencyDown, isRetryable } from '../../../src/shared/errors';
import { createQueueSender } from '../../../src/shared/queues/queue-sender';

describe('the queue sender against Azurite', () => {
  let azurite: Azurite;
  let service: QueueServiceClient;

  beforeAll(async () => {
    azurite = await startAzurite({ blobPort: 0, queuePort: await freePort(), tablePort: 0, queueOnly: true });
    service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  });
  afterAll(() => azurite.stop());

  it('when a message is over the 64 KB a queue takes, then the refusal is named and never retried, no outage', async () => {
    const send = createQueueSender(() => Promise.resolve(service), { createMissing: true });
    const thrown: unknown = await send('sender-big', { text: 'x'.repeat(100_000) }).catch(
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(AppError);
    expect(isDependencyDown(thrown)).toBe(false);
    expect(isRetryable(thrown)).toBe(false);
    expect((thrown as AppError).message).toBe('The storage queue sender-big refused the message (413)');
  });

  it('when the queue service cannot be reached, then it is a dependency down', async () => {
    const closed = QueueServiceClient.fromConnectionString(
      azurite.connectionString.replace(/:\d+\/devstoreaccount1/, `:${await freePort()}/devstoreaccount1`),
      { retryOptions: { maxTries: 1 } },
    );
    const send = createQueueSender(() => Promise.resolve(closed), { createMissing: false });
    const thrown: unknown = await send('sender-down', { hello: 'world' }).catch((error: unknown) => error);
    expect(isDependencyDown(thrown)).toBe(true);
  });

  it('when a message cannot be encoded, then that bug is thrown as it is, not taken for an outage', async () => {
    const send = createQueueSender(() => Promise.resolve(service), { createMissing: true });
    const thrown: unknown = await send('sender-bug', { count: 1n }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TypeError);
    expect(isDependencyDown(thrown)).toBe(false);
  });
});
