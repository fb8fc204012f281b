import { waitFor } from '../../dev/stack/ports';
import { itemConversationId, jobIdFromIdempotencyKey } from '../../src/shared/batch/deterministic-ids';
import { batchResults } from '../support/batch-results';
import { easyAuthHeaders } from '../support/identity';
import { startPartitionProxy } from '../support/partition-proxy';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const OWNER_ID = 'host-kill-owner';
const OWNER = easyAuthHeaders(OWNER_ID);
const SCHEMA = {
  type: 'object',
  properties: { company_name: { type: 'string' }, stock_symbol: { type: 'string' } },
  required: ['company_name', 'stock_symbol'],
  additionalProperties: false,
};
// Three slices (50, 50, 20): one group of sends, all of them in flight when the host dies.
const ITEMS = 120;
// Long enough for the first copies of slices the dead host got onto the queue to run before the resumed
// fan-out's copies show up (those are sent with the lease as delay), short enough for a test.
const LEASE_SECONDS = 10;
const HOST = {
  AUTH_MODE: 'easyauth',
  BATCH_MAX_ITEMS: '400',
  BATCH_FAN_OUT_LEASE_SECONDS: String(LEASE_SECONDS),
  RECOVERY_SCHEDULE: '*/2 * * * * *',
  QUEUE_RETRY_BASE_SECONDS: '1',
  QUEUE_RETRY_MAX_SECONDS: '4',
  QUOTA_CONCURRENT_BATCH_JOBS: '10',
};
// A schedule that does not come round during the test (once a day, twelve hours from now): only the
// client's retry can resume the job. A daily schedule needs a stuck time over two days.
const NO_RECOVERY = {
  RECOVERY_SCHEDULE: `0 0 ${(new Date().getUTCHours() + 12) % 24} * * *`,
  BATCH_STUCK_AFTER_SECONDS: String(3 * 86_400),
};

interface Status {
  status: string;
  succeeded: number;
  failed: number;
  pending: number;
}

describe('the local host killed with SIGKILL while a batch submission fans out, its sends hanging on storage that does not answer', () => {
  let stack: TestStack;
  let base: string;

  const items = (prefix: string) =>
    Array.from({ length: ITEMS }, (_, index) => `${prefix} ${index} is listed as P${index}`);
  const submit = (body: unknown, key: string) =>
    getJson(`${base}/api/batch-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': key, ...OWNER },
      body: JSON.stringify(body),
    });
  const status = async (jobId: string) =>
    (await getJson(`${base}/api/batch-jobs/${jobId}`, { headers: OWNER })) as {
      status: number;
      body: Status;
    };
  const indexes = async (jobId: string) =>
    (await batchResults(base, jobId, OWNER))
      .filter((item) => item.output !== undefined)
      .map((item) => item.index);

  /**
   * Submits, and kills the host once the job document is stored and its slices are on their way to a
   * storage that does not answer (`fault`); then ends the fault and starts a new host. Returns the job id;
   * the submission was never answered.
   */
  const crashDuringFanOut = async (
    body: unknown,
    key: string,
    fault: { start(): void; end(): void },
    restart: Record<string, string>,
  ) => {
    const jobId = jobIdFromIdempotencyKey(OWNER_ID, key);
    fault.start();
    let answered: number | undefined;
    const submission = submit(body, key).then(
      (answer) => (answered = answer.status),
      () => undefined,
    );
    try {
      await waitFor(async () => (await status(jobId)).status === 200, 30_000, 'the job document');
      await new Promise((resolve) => setTimeout(resolve, 500)); // the sends are on their way
      await stack.host().kill();
    } finally {
      fault.end();
    }
    await submission;
    expect(answered).toBeUndefined(); // the client never saw its job accepted
    base = (await stack.startHost({ ...HOST, ...restart })).url;
    return jobId;
  };
  /** Azurite frozen: what of the sends it had received it carries out once thawed, for nobody. */
  const frozen = () => {
    const azurite = stack.azurite;
    if (azurite === undefined) throw new Error('no Azurite');
    return {
      start: () => {
        azurite.pause();
      },
      end: () => {
        azurite.resume();
      },
    };
  };

  const expectEveryItemOnce = async (jobId: string) => {
    await waitFor(async () => (await status(jobId)).body.pending === 0, 120_000, `job ${jobId}`);
    expect((await status(jobId)).body).toMatchObject({ status: 'completed', succeeded: ITEMS, failed: 0 });
    expect(await indexes(jobId)).toEqual(Array.from({ length: ITEMS }, (_, index) => index));
    // Let any second copy of a slice (resumed fan-out, delayed by the lease) show itself before counting.
    await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 5) * 1_000));
    // Each item's result needs a model call, so as many calls as items means one per item.
    expect(stack.model?.stats().requests).toBe(ITEMS);
    for (const index of [0, ITEMS - 1]) {
      const conversation = (
        await getJson(`${base}/api/conversations/${itemConversationId(jobId, index)}`, { headers: OWNER })
      ).body as { messages: unknown[] };
      expect(conversation.messages).toHaveLength(4);
    }
  };

  const queueEndpoint = () => stack.azurite?.queueEndpoint ?? '';

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost(HOST)).url;
  }, 60_000);
  afterAll(async () => {
    stack.azurite?.resume();
    await stack.stop();
  });

  it('when the sends reached a frozen Azurite and the client retries with its Idempotency-Key after the lease, then the retry gets the job, and every item is asked of the model once', async () => {
    stack.model?.resetStats();
    const body = { items: items('Retried'), schema: SCHEMA };
    const jobId = await crashDuringFanOut(body, 'host-kill-retried', frozen(), NO_RECOVERY);
    await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 1) * 1_000));
    const retried = await submit(body, 'host-kill-retried');
    expect(retried.status).toBe(202);
    expect((retried.body as { jobId: string }).jobId).toBe(jobId);
    await expectEveryItemOnce(jobId);
  }, 240_000);

  it('when the sends never reached storage and the client never comes back, then the recovery timer resumes the fan-out once the lease has run out, and every item is asked of the model once', async () => {
    // This host reaches Azurite through a proxy, so that a network partition can swallow its sends.
    const proxy = await startPartitionProxy({
      host: '127.0.0.1',
      port: Number(new URL(queueEndpoint()).port),
    });
    try {
      await stack.host().stop();
      const storage = (stack.env.AzureWebJobsStorage ?? '').replace(
        new URL(queueEndpoint()).host,
        `127.0.0.1:${proxy.port}`,
      );
      base = (await stack.startHost({ ...HOST, AzureWebJobsStorage: storage })).url;
      stack.model?.resetStats();
      const partition = {
        start: () => {
          proxy.cut();
        },
        end: () => undefined,
      };
      const jobId = await crashDuringFanOut(
        { items: items('Abandoned'), schema: SCHEMA },
        'host-kill-alone',
        partition,
        {},
      );
      await expectEveryItemOnce(jobId);
      expect(stack.host().output()).toMatch(/fanned out now/);
    } finally {
      await proxy.close();
    }
  }, 240_000);
});
