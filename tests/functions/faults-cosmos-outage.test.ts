import { QueueServiceClient } from '@azure/storage-queue';

import { appRootWithQueues, type CosmosProcess, startCosmosProcess } from '../../dev/stack/fault-stack';
import { waitFor } from '../../dev/stack/ports';
import { itemConversationId } from '../../src/shared/batch/deterministic-ids';
import { COMPANY_SCHEMA } from '../support/company-schema';
import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const USER = easyAuthHeaders('outage-user-1');
const SCHEMA = COMPANY_SCHEMA;
// maxDequeueCount x visibilityTimeout is 6 s here (with Cosmos DB's 10 s request timeout, each delivery
// takes about 12 s: about 36 s in all); the outage lasts 50 s.
const QUEUES = { maxDequeueCount: 3, visibilityTimeout: '00:00:02' };
const OUTAGE_MS = 50_000;
const ITEMS = 30;

interface Conversation {
  messages: { role: string; content: string }[];
}

describe('a Cosmos DB outage (the emulator frozen with SIGSTOP) while chat turns and a batch job run', () => {
  let cosmos: CosmosProcess;
  let app: { path: string; remove(): void };
  let stack: TestStack;
  let base: string;

  const chat = (body: Record<string, unknown>) =>
    getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...USER },
      body: JSON.stringify(body),
    });
  const conversation = async (id: string) =>
    (await getJson(`${base}/api/conversations/${id}`, { headers: USER })) as {
      status: number;
      body: Conversation;
    };
  const queueLengths = async (names: string[]) => {
    const service = QueueServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '');
    const lengths: Record<string, number> = {};
    for (const name of names) {
      const queue = service.getQueueClient(name);
      lengths[name] = (await queue.exists())
        ? ((await queue.getProperties()).approximateMessagesCount ?? 0)
        : 0;
    }
    return lengths;
  };

  beforeAll(async () => {
    cosmos = await startCosmosProcess();
    app = appRootWithQueues(QUEUES);
    stack = await startTestStack({ settings: cosmos.settings, appRoot: app.path });
    base = (
      await stack.startHost({
        AUTH_MODE: 'easyauth',
        QUEUE_RETRY_BASE_SECONDS: '1',
        QUEUE_RETRY_MAX_SECONDS: '4',
        RECOVERY_SCHEDULE: '*/5 * * * * *',
        POISON_REDRIVE_AFTER_SECONDS: '5',
        BATCH_STUCK_AFTER_SECONDS: '30',
      })
    ).url;
  }, 60_000);
  afterAll(async () => {
    cosmos.resume();
    await stack.stop();
    await cosmos.stop();
    app.remove();
  });

  it('when the outage is longer than maxDequeueCount x visibilityTimeout, then every turn answered is stored in its conversation in order, and the job completes with every item once', async () => {
    const first = await chat({ message: 'turn 1 before the outage' });
    expect(first.status).toBe(200);
    const ongoing = (first.body as { conversationId: string }).conversationId;
    stack.model?.configure({ timeToFirstTokenMs: 150 });
    const submitted = await getJson(`${base}/api/batch-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...USER },
      body: JSON.stringify({
        items: Array.from(
          { length: ITEMS },
          (_, index) => `Company ${index} is C${index} with ${index} employees`,
        ),
        schema: SCHEMA,
      }),
    });
    expect(submitted.status).toBe(202);
    const { jobId } = submitted.body as { jobId: string };
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // some items are in flight

    cosmos.pause();
    const pausedAt = Date.now();
    // Turns during the outage: new conversations (nothing to read first) and one continuing the ongoing one.
    const during = await Promise.all([
      chat({ message: 'new conversation during the outage A' }),
      chat({ message: 'turn 2 during the outage', conversationId: ongoing }),
      new Promise((resolve) => setTimeout(resolve, 5_000)).then(() =>
        chat({ message: 'new conversation during the outage B' }),
      ),
    ]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - pausedAt))));
    cosmos.resume();
    const resumedAt = Date.now();
    stack.model?.configure({ timeToFirstTokenMs: 0 });

    // Every answer during the outage is either a stored turn (200) or a refusal the caller can retry (503).
    for (const answer of during) expect([200, 503]).toContain(answer.status);
    const accepted = during.filter((answer) => answer.status === 200);
    expect(accepted.length).toBeGreaterThan(0);

    const last = await chat({ message: 'turn 3 after the outage', conversationId: ongoing });
    expect(last.status).toBe(200);

    const status = async () =>
      (await getJson(`${base}/api/batch-jobs/${jobId}`, { headers: USER })).body as {
        status: string;
        succeeded: number;
        failed: number;
        pending: number;
      };
    await waitFor(async () => (await status()).pending === 0, 150_000, `job ${jobId}`);
    expect(await status()).toMatchObject({ status: 'completed', succeeded: ITEMS, failed: 0 });
    const results = (await getJson(`${base}/api/batch-jobs/${jobId}/results?pageSize=100`, { headers: USER }))
      .body as { items: { index: number }[] };
    expect(results.items.map((item) => item.index)).toEqual(
      Array.from({ length: ITEMS }, (_, index) => index),
    );
    // Each item's exchange was stored once.
    for (const index of [0, ITEMS - 1]) {
      expect((await conversation(itemConversationId(jobId, index))).body.messages).toHaveLength(4);
    }

    // Each turn answered during the outage lands once it is over.
    for (const answer of accepted) {
      const { conversationId } = answer.body as { conversationId: string };
      if (conversationId === ongoing) continue;
      await waitFor(async () => (await conversation(conversationId)).status === 200, 60_000, conversationId);
      const stored = (await conversation(conversationId)).body.messages.map((message) => message.role);
      expect(stored).toEqual(['user', 'assistant']);
    }
    const continued = during[1].status === 200;
    const expected = [
      'turn 1 before the outage',
      ...(continued ? ['turn 2 during the outage'] : []),
      'turn 3 after the outage',
    ];
    await waitFor(
      async () => (await conversation(ongoing)).body.messages.length === expected.length * 2,
      60_000,
      'the ongoing conversation',
    );
    const users = (await conversation(ongoing)).body.messages
      .filter((message) => message.role === 'user')
      .map((message) => message.content);
    expect(users).toEqual(expected);

    // Nothing was given up on: no poison queue holds anything, and no -poison-poison queue was ever needed.
    const lengths = await queueLengths([
      'history-writes-poison',
      'batch-items-poison',
      'history-writes-poison-poison',
      'batch-items-poison-poison',
    ]);
    expect(lengths).toEqual({
      'history-writes-poison': 0,
      'batch-items-poison': 0,
      'history-writes-poison-poison': 0,
      'batch-items-poison-poison': 0,
    });
    // The outage did reach queued work, which waited for Cosmos DB instead of spending its poison budget.
    expect(stack.host().output()).toMatch(
      /a dependency is down; the (batch-items|turn record) message waits for it/,
    );
    process.stdout.write(
      `cosmos outage ${OUTAGE_MS} ms: ${accepted.length}/${during.length} turns answered during it, settled ${Date.now() - resumedAt} ms after it\n`,
    );
  }, 300_000);
});
