import { QueueServiceClient } from '@azure/storage-queue';

import { waitFor } from '../../dev/stack/ports';
import { toTurnRecord } from '../../src/shared/chat/chat-turn-record';
import { encodeQueueMessage } from '../../src/shared/queues/queue-service';
import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const USER = easyAuthHeaders('recovery-user-1');

describe('the recovery timer function through the local host, Azurite and the Cosmos emulator', () => {
  let stack: TestStack;
  let base: string;
  let queues: QueueServiceClient;

  const queue = async (name: string) => {
    const client = queues.getQueueClient(name);
    await client.createIfNotExists();
    return client;
  };
  const length = async (name: string) =>
    (await (await queue(name)).getProperties()).approximateMessagesCount ?? 0;

  beforeAll(async () => {
    stack = await startTestStack();
    base = (
      await stack.startHost({
        AUTH_MODE: 'easyauth',
        RECOVERY_SCHEDULE: '*/2 * * * * *',
        POISON_REDRIVE_AFTER_SECONDS: '1',
      })
    ).url;
    queues = QueueServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '');
  }, 60_000);
  afterAll(() => stack.stop());

  it('when the host serves the app, then it lists the recovery timer with its schedule from the setting', async () => {
    const functions = async () =>
      (await getJson(`${base.replace(/\/api$/, '')}/admin/functions`)).body as {
        name: string;
        trigger: string;
        schedule?: string;
      }[];
    // The host answers HTTP first and starts its queue and timer listeners after.
    await waitFor(async () => (await functions()).some((item) => item.name === 'recovery'), 20_000, 'timers');
    const served = await functions();
    expect(served.find((item) => item.name === 'recovery')).toEqual({
      name: 'recovery',
      trigger: 'timerTrigger',
      schedule: '*/2 * * * * *',
    });
  });

  it('when a turn waits in history-writes-poison and Cosmos DB answers, then the timer puts it back and it lands in its conversation', async () => {
    const started = await getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...USER },
      body: JSON.stringify({ message: 'a stored first turn' }),
    });
    const { conversationId } = started.body as { conversationId: string };
    const turn = toTurnRecord({
      caller: { userId: 'recovery-user-1' },
      conversationId,
      isNew: false,
      correlationId: 'poisoned-turn',
      startedAt: new Date().toISOString(),
      messages: [
        { role: 'user', content: 'a turn that was poisoned' },
        { role: 'assistant', content: 'its answer', toolCalls: [] },
      ],
    });
    await (await queue('history-writes-poison')).sendMessage(encodeQueueMessage(turn));
    await waitFor(
      async () => {
        const conversation = (await getJson(`${base}/api/conversations/${conversationId}`, { headers: USER }))
          .body as { messages: { content: string }[] };
        return conversation.messages.length === 4;
      },
      30_000,
      'the re-driven turn',
    );
    const conversation = (await getJson(`${base}/api/conversations/${conversationId}`, { headers: USER }))
      .body as { messages: { content: string }[] };
    expect(conversation.messages.map((message) => message.content)).toEqual([
      'a stored first turn',
      'Simulated answer: a stored first turn',
      'a turn that was poisoned',
      'its answer',
    ]);
    expect(await length('history-writes-poison')).toBe(0);
  }, 40_000);

  it('when a message is in a -poison-poison queue, then the timer moves it back to its poison queue, and nothing stays there', async () => {
    const submitted = await getJson(`${base}/api/batch-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...USER },
      body: JSON.stringify({
        items: ['Contoso is CTS with 5 employees', 'Fabrikam is FAB with 7 employees'],
        schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      }),
    });
    const { jobId } = submitted.body as { jobId: string };
    const status = async () =>
      (await getJson(`${base}/api/batch-jobs/${jobId}`, { headers: USER })).body as {
        pending: number;
        succeeded: number;
        failed: number;
      };
    await waitFor(async () => (await status()).pending === 0, 30_000, `job ${jobId}`);
    // A slice of a third, unknown index lands where the host puts what a poison function could not settle.
    const slice = { jobId, items: [{ index: 1, input: 'Fabrikam is FAB with 7 employees' }], deferrals: 0 };
    await (await queue('batch-items-poison-poison')).sendMessage(encodeQueueMessage(slice));
    await waitFor(async () => (await length('batch-items-poison-poison')) === 0, 30_000, 'the move');
    // batch-items-poison's function took it (the item already has its outcome: nothing is written twice).
    await waitFor(async () => (await length('batch-items-poison')) === 0, 30_000, 'the poison function');
    expect(await status()).toMatchObject({ pending: 0, succeeded: 2, failed: 0 });
    expect(stack.host().output()).toMatch(/poison queue messages re-driven/);
  }, 60_000);

  it('when a message in a poison queue can never be re-driven, then the timer logs why and moves it to <queue>-dead, where nothing reads it', async () => {
    await (await queue('history-writes-poison')).sendMessage('a line that is not JSON');
    await waitFor(async () => (await length('history-writes-dead')) === 1, 30_000, 'the move to -dead');
    expect(await length('history-writes-poison')).toBe(0);
    expect(stack.host().output()).toMatch(/poison message moved to history-writes-dead: not a JSON object/);
    // Still there a run later: no function drains a -dead queue.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await length('history-writes-dead')).toBe(1);
  }, 40_000);
});
