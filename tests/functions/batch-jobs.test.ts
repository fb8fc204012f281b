import { QueueServiceClient } from '@azure/storage-queue';

import { waitFor } from '../../dev/stack/ports';
import { createCosmosBatchStore } from '../../src/shared/batch/cosmos-batch-store';
import { itemConversationId } from '../../src/shared/batch/deterministic-ids';
import { createCosmosClient } from '../../src/shared/cosmos/cosmos-client';
import { createContainerProvider } from '../../src/shared/cosmos/cosmos-containers';
import { encodeQueueMessage } from '../../src/shared/queues/queue-service';
import { BOUNDED_COMPANY_SCHEMA } from '../support/company-schema';
import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const OWNER = easyAuthHeaders('batch-owner-1');
const OTHER = easyAuthHeaders('someone-else-2');
const SCHEMA = BOUNDED_COMPANY_SCHEMA;

interface Status {
  jobId: string;
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
}
interface Results {
  items: { index: number; input: unknown; output?: Record<string, unknown>; error?: string }[];
  continuationToken?: string;
}

describe('batch jobs through the local host, Azurite, the Cosmos emulator and the model simulator', () => {
  let stack: TestStack;
  let base: string;
  const hostSettings = { AUTH_MODE: 'easyauth', BATCH_MAX_ITEMS: '400', BATCH_MAX_ITEM_CHARS: '500' };

  const submit = (body: unknown, headers: Record<string, string> = {}, user = OWNER) =>
    getJson(`${base}/api/batch-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const status = async (jobId: string, user = OWNER) =>
    (await getJson(`${base}/api/batch-jobs/${jobId}`, { headers: user })).body as Status;
  const untilDone = (jobId: string, timeoutMs = 60_000) =>
    waitFor(async () => (await status(jobId)).pending === 0, timeoutMs, `job ${jobId}`);
  const allResults = async (jobId: string) => {
    const items: Results['items'] = [];
    let token: string | undefined;
    do {
      const query = token === undefined ? '' : `&continuationToken=${encodeURIComponent(token)}`;
      const page = (
        await getJson(`${base}/api/batch-jobs/${jobId}/results?pageSize=100${query}`, { headers: OWNER })
      ).body as Results;
      items.push(...page.items);
      token = page.continuationToken;
    } while (token !== undefined);
    return items;
  };
  const companies = (count: number, prefix = 'Company') =>
    Array.from(
      { length: count },
      (_, index) => `${prefix} ${index} has stock symbol C${index} and employees ${index * 10}`,
    );

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost(hostSettings)).url;
  });
  afterAll(() => stack.stop());
  afterEach(() => stack.model?.configure({ failureRate429: 0, timeToFirstTokenMs: 0 }));

  it('when 300 items run with 20% of model calls answered 429, then every item succeeds once, in order', async () => {
    stack.model?.configure({ failureRate429: 0.2, injectedRetryAfterMs: 100 });
    const before = stack.model?.stats().injectedFailures ?? 0;
    const {
      status: code,
      body,
      headers,
    } = await submit({ items: companies(300), schema: SCHEMA, name: 'with 429s' });
    expect(code).toBe(202);
    const { jobId } = body as { jobId: string };
    expect(headers.get('location')).toBe(`/api/batch-jobs/${jobId}`);
    expect(body).toEqual({ jobId, status: 'queued', total: 300 });
    await untilDone(jobId, 90_000);
    expect((stack.model?.stats().injectedFailures ?? 0) - before).toBeGreaterThan(20);
    expect(await status(jobId)).toMatchObject({
      status: 'completed',
      total: 300,
      succeeded: 300,
      failed: 0,
      pending: 0,
    });
    const results = await allResults(jobId);
    expect(results.map((item) => item.index)).toEqual(Array.from({ length: 300 }, (_, index) => index));
    for (const item of results) {
      expect(item.output).toEqual({
        company_name: expect.any(String),
        stock_symbol: expect.any(String),
        employees: expect.any(Number),
      });
      expect(item.error).toBeUndefined();
    }
    // Each item's exchange is a conversation of the owner's, written once.
    const conversation = (
      await getJson(`${base}/api/conversations/${itemConversationId(jobId, 7)}`, { headers: OWNER })
    ).body as { messages: { role: string }[] };
    expect(conversation.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
  }, 120_000);

  it('when an item never gets a valid answer, then it fails with the reason and the job completes with errors', async () => {
    const items = ['Contoso has symbol CTS and employees 5', 'Fabrikam [sim:invalid-args] has symbol FAB'];
    const { body } = await submit({ items, schema: SCHEMA });
    const { jobId } = body as { jobId: string };
    await untilDone(jobId);
    expect(await status(jobId)).toMatchObject({ status: 'completed_with_errors', succeeded: 1, failed: 1 });
    const results = await allResults(jobId);
    expect(results[1]?.error).toMatch(/did not match the schema after 2 attempts/);
    expect(results[0]?.output).toBeDefined();
  });

  it('when the same Idempotency-Key is sent again, then the same job comes back and nothing runs twice', async () => {
    const payload = { items: companies(5, 'Repeat'), schema: SCHEMA };
    const first = await submit(payload, { 'Idempotency-Key': 'repeat-key-1' });
    const second = await submit(payload, { 'Idempotency-Key': 'repeat-key-1' });
    expect(second.status).toBe(202);
    expect((second.body as { jobId: string }).jobId).toBe((first.body as { jobId: string }).jobId);
    const jobId = (first.body as { jobId: string }).jobId;
    await untilDone(jobId);
    expect(await allResults(jobId)).toHaveLength(5);
    const reused = await submit({ ...payload, name: 'different' }, { 'Idempotency-Key': 'repeat-key-1' });
    expect(reused.status).toBe(409);
  });

  it("when another user asks for someone's job, then 404 for status and results", async () => {
    const { body } = await submit({ items: ['Contoso symbol C employees 1'], schema: SCHEMA });
    const { jobId } = body as { jobId: string };
    expect((await getJson(`${base}/api/batch-jobs/${jobId}`, { headers: OTHER })).status).toBe(404);
    expect((await getJson(`${base}/api/batch-jobs/${jobId}/results`, { headers: OTHER })).status).toBe(404);
    expect((await getJson(`${base}/api/batch-jobs/does-not-exist-123`, { headers: OWNER })).status).toBe(404);
  });

  it.each([
    ['no items', { items: [], schema: SCHEMA }, 'items'],
    ['too many items', { items: companies(401), schema: SCHEMA }, 'at most 400 items'],
    ['an item over the size limit', { items: ['x'.repeat(501)], schema: SCHEMA }, 'at most 500 characters'],
    ['an item that is neither string nor object', { items: [42], schema: SCHEMA }, 'items.0'],
    ['no schema', { items: ['a'] }, 'schema'],
    [
      'a schema that is not an object schema',
      { items: ['a'], schema: { type: 'array' } },
      'must describe an object',
    ],
    [
      'an invalid JSON Schema',
      { items: ['a'], schema: { type: 'object', properties: { x: { type: 'strin' } } } },
      'not a valid JSON Schema',
    ],
  ])('when a submission has %s, then 400 names the problem', async (_name, payload, expected) => {
    const { status: code, body } = await submit(payload);
    expect(code).toBe(400);
    expect(JSON.stringify(body)).toContain(expected);
    expect(body).toMatchObject({ error: { code: expect.any(String) }, correlationId: expect.any(String) });
  });

  it('when the body is not JSON, has the wrong type or the key is bad, then 400, 415 and 400', async () => {
    expect((await submit('{"items": [')).status).toBe(400);
    expect((await submit('items=1', { 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (await submit({ items: ['a'], schema: SCHEMA }, { 'Idempotency-Key': 'has spaces in it' })).status,
    ).toBe(400);
  });

  it('when a producer puts a job on the batch-jobs queue, then it runs for that owner; an invalid one lands in batch-jobs-poison', async () => {
    const queues = QueueServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '');
    const jobs = queues.getQueueClient('batch-jobs');
    await jobs.createIfNotExists();
    await jobs.sendMessage(
      encodeQueueMessage({
        userId: 'batch-owner-1',
        jobId: 'queued-job-0001',
        items: companies(3, 'Queued'),
        schema: SCHEMA,
        name: 'from the queue',
      }),
    );
    await waitFor(
      async () =>
        (await getJson(`${base}/api/batch-jobs/queued-job-0001`, { headers: OWNER })).status === 200,
      20_000,
      'the queued job',
    );
    await untilDone('queued-job-0001');
    expect(await status('queued-job-0001')).toMatchObject({ status: 'completed', succeeded: 3 });
    expect((await getJson(`${base}/api/batch-jobs/queued-job-0001`, { headers: OTHER })).status).toBe(404);

    await jobs.sendMessage(
      encodeQueueMessage({ userId: 'batch-owner-1', items: [], schema: { type: 'array' } }),
    );
    const poison = queues.getQueueClient('batch-jobs-poison');
    await waitFor(
      async () => (await poison.exists()) && (await poison.peekMessages()).peekedMessageItems.length === 1,
      20_000,
      'the poison message',
    );
    // The host logs the move once the message is on the poison queue: its line may arrive a moment later.
    await waitFor(
      () =>
        Promise.resolve(/invalid batch job message moved to batch-jobs-poison/.test(stack.host().output())),
      10_000,
      'the log line of the move',
    );
  }, 60_000);

  it('when a message lands in batch-items-poison, then its items are recorded as failed with their last error', async () => {
    const config = {
      COSMOS_ENDPOINT: stack.env.COSMOS_ENDPOINT,
      COSMOS_KEY: stack.env.COSMOS_KEY,
      COSMOS_DATABASE: 'chat',
    };
    const client = createCosmosClient(config, () => Promise.reject(new Error('key only')));
    const store = createCosmosBatchStore(() => createContainerProvider(() => client, config)('batch'));
    const jobId = 'poisoned-job-0001';
    await store.createJob({
      jobId,
      userId: 'batch-owner-1',
      schema: SCHEMA,
      total: 2,
      createdAt: new Date().toISOString(),
      requestHash: 'x',
      fannedOut: true,
      extraction: { mode: 'validated', reason: 'test job' },
    });
    await store.recordAttemptError(jobId, 1, 'the model kept failing');
    const poison = QueueServiceClient.fromConnectionString(
      stack.env.AzureWebJobsStorage ?? '',
    ).getQueueClient('batch-items-poison');
    await poison.createIfNotExists();
    await poison.sendMessage(
      encodeQueueMessage({
        jobId,
        items: [
          { index: 0, input: 'a' },
          { index: 1, input: 'b' },
        ],
      }),
    );
    await untilDone(jobId, 20_000);
    expect(await status(jobId)).toMatchObject({ status: 'completed_with_errors', failed: 2, pending: 0 });
    const results = await allResults(jobId);
    expect(results[1]?.error).toBe('failed after 5 deliveries: the model kept failing');
    expect(results[0]?.error).toMatch(/failed after 5 deliveries/);
  }, 30_000);

  it('when an unreadable message lands in batch-items-poison, then it is logged with its id and a short redacted excerpt, and nothing moves to batch-items-poison-poison', async () => {
    const queues = QueueServiceClient.fromConnectionString(stack.env.AzureWebJobsStorage ?? '');
    const poison = queues.getQueueClient('batch-items-poison');
    await poison.createIfNotExists();
    const secret = 'sentinel-account-key-51f0a9';
    const { messageId } = await poison.sendMessage(
      encodeQueueMessage({
        jobId: 'not a job id!',
        note: `AccountKey=${secret};`,
        filler: 'x'.repeat(20_000),
      }),
    );
    const loggedLine = () =>
      stack
        .host()
        .output()
        .split('\n')
        .find((line) => line.includes(messageId) && /unreadable/.test(line));
    await waitFor(() => Promise.resolve(loggedLine() !== undefined), 20_000, 'the log line');
    // The delivery completed: the message is deleted, not waiting invisible for a retry.
    await waitFor(
      async () => (await poison.getProperties()).approximateMessagesCount === 0,
      20_000,
      'batch-items-poison to be empty',
    );
    const line = loggedLine() ?? '';
    expect(line).toMatch(/ERROR/);
    expect(line).toContain('not a job id!');
    expect(line).not.toContain(secret);
    expect(line.length).toBeLessThan(2_000);
    expect(stack.host().output()).not.toMatch(new RegExp(`message ${messageId} failed`));
    const poisonPoison = queues.getQueueClient('batch-items-poison-poison');
    const left = (await poisonPoison.exists())
      ? (await poisonPoison.getProperties()).approximateMessagesCount
      : 0;
    expect(left).toBe(0);
  }, 60_000);

  it('when the host is killed mid-job and restarted, then the job completes with each result exactly once', async () => {
    stack.model?.configure({ timeToFirstTokenMs: 30 });
    const { body } = await submit({ items: companies(150, 'Crash'), schema: SCHEMA, name: 'crash test' });
    const { jobId } = body as { jobId: string };
    await waitFor(async () => (await status(jobId)).succeeded >= 20, 30_000, 'some progress');
    expect((await status(jobId)).pending).toBeGreaterThan(0);
    await stack.host().kill();
    base = (await stack.startHost(hostSettings)).url;
    await untilDone(jobId, 90_000);
    expect(await status(jobId)).toMatchObject({ status: 'completed', succeeded: 150, failed: 0 });
    const results = await allResults(jobId);
    expect(results.map((item) => item.index)).toEqual(Array.from({ length: 150 }, (_, index) => index));
    // No item's exchange was stored twice, even for the items in flight when the host died.
    const counts = await Promise.all(
      [0, 40, 75, 110, 149].map(async (index) => {
        const conversation = (
          await getJson(`${base}/api/conversations/${itemConversationId(jobId, index)}`, { headers: OWNER })
        ).body as { messages: unknown[] };
        return conversation.messages.length;
      }),
    );
    expect(counts).toEqual([4, 4, 4, 4, 4]);
  }, 150_000);
});
