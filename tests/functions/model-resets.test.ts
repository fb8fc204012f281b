import { waitFor } from '../../dev/stack/ports';
import { itemConversationId } from '../../src/shared/batch/deterministic-ids';
import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const USER = easyAuthHeaders('model-resets-user');
const SCHEMA = {
  type: 'object',
  properties: { company_name: { type: 'string' }, stock_symbol: { type: 'string' } },
  required: ['company_name', 'stock_symbol'],
  additionalProperties: false,
};
const ITEMS = 20;

describe('model connections reset (the simulator drops them with a TCP RST before answering) while chat and a batch job run', () => {
  let stack: TestStack;
  let base: string;

  const chat = (message: string) =>
    getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...USER },
      body: JSON.stringify({ message }),
    });
  const status = async (jobId: string) =>
    (await getJson(`${base}/api/batch-jobs/${jobId}`, { headers: USER })).body as {
      status: string;
      succeeded: number;
      failed: number;
      pending: number;
    };

  beforeAll(async () => {
    stack = await startTestStack();
    base = (
      await stack.startHost({
        AUTH_MODE: 'easyauth',
        QUEUE_RETRY_BASE_SECONDS: '1',
        QUEUE_RETRY_MAX_SECONDS: '4',
        AZURE_OPENAI_CIRCUIT_COOLDOWN_SECONDS: '2',
      })
    ).url;
  }, 60_000);
  afterAll(async () => {
    stack.model?.configure({ failureRateReset: 0 });
    await stack.stop();
  });

  it('when every connection is reset for a while, then chat answers 503 model_unavailable with Retry-After (at once once the circuit is open), and the job completes with every item once', async () => {
    stack.model?.resetStats();
    stack.model?.configure({ failureRateReset: 1 });
    const { body } = await getJson(`${base}/api/batch-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...USER },
      body: JSON.stringify({
        items: Array.from({ length: ITEMS }, (_, index) => `Reset ${index} is listed as R${index}`),
        schema: SCHEMA,
      }),
    });
    const { jobId } = body as { jobId: string };
    let resetting = true;
    try {
      const answers: { status: number; code: unknown; retryAfter: string | null; ms: number }[] = [];
      for (let turn = 0; turn < 4; turn++) {
        const started = Date.now();
        const answer = await chat(`while the connections reset ${turn}`);
        answers.push({
          status: answer.status,
          code: (answer.body as { error?: { code?: unknown } }).error?.code,
          retryAfter: answer.headers.get('retry-after'),
          ms: Date.now() - started,
        });
      }
      for (const answer of answers) {
        expect(answer).toMatchObject({ status: 503, code: 'model_unavailable' });
        expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      }
      // Generous on a busy machine; before the circuit opened, the retries of one call took seconds.
      expect(answers.at(-1)?.ms).toBeLessThan(2_000);
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      // A reset is an outage to wait out, not an item's failure: nothing is done, nothing has failed.
      expect(await status(jobId)).toMatchObject({ succeeded: 0, failed: 0, pending: ITEMS });
      expect(stack.model?.stats().injectedFailures).toBeGreaterThan(0);

      stack.model?.configure({ failureRateReset: 0 });
      resetting = false;
      await waitFor(async () => (await status(jobId)).pending === 0, 90_000, `job ${jobId}`);
      expect(await status(jobId)).toMatchObject({ status: 'completed', succeeded: ITEMS, failed: 0 });
      const results = (
        await getJson(`${base}/api/batch-jobs/${jobId}/results?pageSize=100`, { headers: USER })
      ).body as { items: { index: number; output?: unknown }[] };
      expect(results.items.map((item) => item.index)).toEqual(
        Array.from({ length: ITEMS }, (_, index) => index),
      );
      expect(results.items.every((item) => item.output !== undefined)).toBe(true);
      for (const index of [0, ITEMS - 1]) {
        const stored = (
          await getJson(`${base}/api/conversations/${itemConversationId(jobId, index)}`, { headers: USER })
        ).body as { messages: unknown[] };
        expect(stored.messages).toHaveLength(4);
      }
      // And chat is back once the cool-down has let a probe through.
      await waitFor(async () => (await chat('after the resets')).status === 200, 30_000, 'chat');
    } finally {
      if (resetting) stack.model?.configure({ failureRateReset: 0 });
    }
  }, 180_000);

  it('when a share of connections is reset, then chat turns get through on a retry, and those that do not are a 503 with Retry-After', async () => {
    stack.model?.resetStats();
    stack.model?.configure({ failureRateReset: 0.4, seed: 7 });
    try {
      const answers = [];
      for (let turn = 0; turn < 6; turn++) answers.push(await chat(`now and then reset ${turn}`));
      for (const answer of answers) {
        if (answer.status === 200)
          expect((answer.body as { answer_md?: string }).answer_md).toMatch(
            /^Simulated answer: now and then/,
          );
        else {
          expect(answer.status).toBe(503);
          expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        }
      }
      expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);
      expect(stack.model?.stats().injectedFailures).toBeGreaterThan(0);
    } finally {
      stack.model?.configure({ failureRateReset: 0 });
    }
  }, 120_000);
});
