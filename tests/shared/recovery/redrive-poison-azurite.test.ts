import { QueueServiceClient } from '@azure/storage-queue';

import { type Azurite, startAzurite } from '../../../dev/stack/azurite';
import { freePort } from '../../../dev/stack/ports';
import { createQueueInspector } from '../../../src/shared/queues/queue-inspector';
import { createQueueSender } from '../../../src/shared/queues/queue-sender';
import { encodeQueueMessage } from '../../../src/shared/queues/queue-service';
import { redrivePoisonQueues } from '../../../src/shared/recovery/redrive-poison';
import { recordingLogger } from '../../support/test-logger';

describe('re-driving a poison queue in Azurite', () => {
  let azurite: Azurite;
  let service: QueueServiceClient;

  beforeAll(async () => {
    azurite = await startAzurite({ blobPort: 0, queuePort: await freePort(), tablePort: 0, queueOnly: true });
    service = QueueServiceClient.fromConnectionString(azurite.connectionString);
  });
  afterAll(() => azurite.stop());

  const count = async (queue: string) =>
    (await service.getQueueClient(queue).getProperties()).approximateMessagesCount ?? 0;

  it('when 300 messages that are not JSON sit ahead of a good one, then within a few runs the good one is re-driven and the 300 are in history-writes-dead', async () => {
    const poison = service.getQueueClient('history-writes-poison');
    await poison.createIfNotExists();
    // Written the way a broken producer would: plain text, not the base64 JSON the app writes.
    for (let start = 0; start < 300; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, offset) => poison.sendMessage(`not json ${start + offset}`)),
      );
    }
    await poison.sendMessage(encodeQueueMessage({ turnId: 'the-good-one' }));
    const send = createQueueSender(() => Promise.resolve(service), { createMissing: true });
    const inspector = createQueueInspector(() => Promise.resolve(service));
    const { log, lines } = recordingLogger();
    const run = () =>
      redrivePoisonQueues({
        inspector,
        send,
        undrained: ['history-writes'],
        all: [],
        afterMs: 0,
        maxRedrives: 3,
        dependenciesUp: () => Promise.resolve(true),
        log,
        // Shortened (120 s in production), so that the runs see again what an earlier run kept, as
        // runs minutes apart do.
        keptHideSeconds: 1,
      });
    const target = service.getQueueClient('history-writes');
    await target.createIfNotExists();
    let runs = 0;
    while (runs < 4 && (await count('history-writes')) === 0) {
      await run();
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    // A run looks at 256 messages: the first moves 256 to -dead, the second the other 44 and the good one.
    expect(runs).toBe(2);
    const { receivedMessageItems } = await target.receiveMessages({ numberOfMessages: 32 });
    expect(
      receivedMessageItems.map((item): unknown =>
        JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8')),
      ),
    ).toEqual([{ turnId: 'the-good-one', _redriven: 1 }]);
    expect(await count('history-writes-dead')).toBe(300);
    expect(await count('history-writes-poison')).toBe(0);
    expect(lines.join('\n')).toContain('moved to history-writes-dead: not a JSON object');
  }, 60_000);
});
