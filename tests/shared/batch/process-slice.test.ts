import { AdaptiveLimiter } from '../../../src/shared/batch/adaptive-limiter';
import type { BatchSlice } from '../../../src/shared/batch/batch-messages';
import { itemConversationId } from '../../../src/shared/batch/deterministic-ids';
import { OUTPUT_FUNCTION } from '../../../src/shared/batch/extract-item';
import { extractionModeOf } from '../../../src/shared/batch/extraction-mode';
import { processSlice } from '../../../src/shared/batch/process-slice';
import { createValidatorCache } from '../../../src/shared/batch/validator-cache';
import { AppError, UpstreamError } from '../../../src/shared/errors';
import type { ChatModelRequest } from '../../../src/shared/model/chat-model';
import { InMemoryBatchStore } from '../../support/in-memory-batch-store';
import { InMemoryHistoryStore } from '../../support/in-memory-history-store';
import { ScriptedChatModel, type Step } from '../../support/scripted-chat-model';
import { recordingLogger } from '../../support/test-logger';

const JOB_ID = 'job-00000001';
const MAX_DEFERRALS = 3;
const SCHEMA = {
  type: 'object',
  properties: { company_name: { type: 'string', minLength: 1 } },
  required: ['company_name'],
  additionalProperties: false,
};

const output = (value: unknown): Step => ({
  toolCalls: [{ id: 'call-1', name: OUTPUT_FUNCTION, arguments: JSON.stringify(value) }],
});
/** Azure OpenAI at its rate limit, as the model adapter reports it after its own (here: no) retries. */
const rateLimited = (retryAfterSeconds: number): Step => ({
  error: new UpstreamError(503, 'model_busy', 'at the rate limit', retryAfterSeconds),
});
const itemOf = (request: ChatModelRequest) => request.messages[1]?.content ?? '';

/**
 * A batch worker over in-memory stores, with a model that answers each item by its text: `script[item]`
 * gives the answer of each successive call for that item.
 */
async function setUp(script: Record<string, Step[]>) {
  const store = new InMemoryBatchStore();
  const history = new InMemoryHistoryStore();
  await store.createJob({
    jobId: JOB_ID,
    userId: 'owner-1',
    name: 'companies',
    schema: SCHEMA,
    total: Object.keys(script).length,
    createdAt: new Date().toISOString(),
    requestHash: 'hash',
    fannedOut: true,
    extraction: extractionModeOf(SCHEMA),
  });
  const model = ScriptedChatModel.replying(
    (request) => script[itemOf(request)]?.shift() ?? { error: new Error('unscripted call') },
  );
  const requeued: { slice: BatchSlice; delayMs: number }[] = [];
  const { log, lines } = recordingLogger();
  const deps = {
    store,
    history,
    model,
    limiter: new AdaptiveLimiter({ initial: 8, max: 8 }),
    validatorFor: createValidatorCache(),
    requeue: (slice: BatchSlice, delayMs: number) => Promise.resolve(void requeued.push({ slice, delayMs })),
    maxDeferrals: MAX_DEFERRALS,
    maxCompletionTokens: 2_048,
    log,
  };
  const deliver = (items: string[], deferrals = 0) =>
    processSlice({ jobId: JOB_ID, items: items.map((input, index) => ({ index, input })), deferrals }, deps);
  const callsFor = (item: string) => model.requests.filter((request) => itemOf(request) === item).length;
  return { store, history, model, requeued, lines, deliver, callsFor };
}

describe('processSlice', () => {
  it("when a slice is delivered, then each item's output is saved and its exchange is a conversation of the job's owner", async () => {
    const { store, history, deliver } = await setUp({
      'Contoso Ltd': [output({ company_name: 'Contoso' })],
      'Fabrikam Inc': [output({ company_name: 'Fabrikam' })],
    });
    await deliver(['Contoso Ltd', 'Fabrikam Inc']);
    expect(store.results(JOB_ID).map(({ index, output: value }) => ({ index, value }))).toEqual([
      { index: 0, value: { company_name: 'Contoso' } },
      { index: 1, value: { company_name: 'Fabrikam' } },
    ]);
    const conversation = await history.listMessages('owner-1', itemConversationId(JOB_ID, 1), { size: 10 });
    expect(conversation.items.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(conversation.items[0]?.content).toBe('Fabrikam Inc');
  });

  it('when a delivery fails part-way and the queue redelivers it, then each item is run and written once', async () => {
    const { store, history, deliver, callsFor } = await setUp({
      a: [output({ company_name: 'A' })],
      b: [{ error: new Error('socket hang up') }, output({ company_name: 'B' })],
    });
    await expect(deliver(['a', 'b'])).rejects.toThrow('1 of 2 item(s) failed and will be retried');
    expect(await store.lastAttemptError(JOB_ID, 1)).toBe('socket hang up');
    await deliver(['a', 'b']);
    await deliver(['a', 'b']); // a duplicate delivery, as a queue may make
    expect([callsFor('a'), callsFor('b')]).toEqual([1, 2]);
    expect(store.results(JOB_ID).map((result) => result.output)).toEqual([
      { company_name: 'A' },
      { company_name: 'B' },
    ]);
    expect(history.turns).toHaveLength(2);
  });

  it('when the model is rate limited for longer than a delivery should wait, then the items go back on the queue with that delay', async () => {
    const { store, requeued, deliver } = await setUp({ a: [rateLimited(12)], b: [rateLimited(12)] });
    await deliver(['a', 'b'], 1);
    expect(requeued).toEqual([
      {
        slice: {
          jobId: JOB_ID,
          items: [
            { index: 0, input: 'a' },
            { index: 1, input: 'b' },
          ],
          deferrals: 2,
        },
        delayMs: 12_000,
      },
    ]);
    expect(store.results(JOB_ID)).toEqual([]);
  });

  it(`when a slice has been deferred BATCH_MAX_DEFERRALS times and is rate limited again, then its items fail with the reason`, async () => {
    const { store, requeued, deliver } = await setUp({ a: [rateLimited(12)] });
    await deliver(['a'], MAX_DEFERRALS);
    expect(requeued).toEqual([]);
    expect(store.results(JOB_ID).map((result) => result.error)).toEqual([
      `rate limited for too long (${MAX_DEFERRALS} deferrals)`,
    ]);
  });

  it('when the model asks for a short wait, then the delivery waits it out and the item succeeds', async () => {
    const { store, requeued, deliver, callsFor } = await setUp({
      a: [rateLimited(0.05), output({ company_name: 'A' })],
    });
    await deliver(['a']);
    expect(callsFor('a')).toBe(2);
    expect(requeued).toEqual([]);
    expect(store.results(JOB_ID)[0]?.output).toEqual({ company_name: 'A' });
  });

  it('when an output does not match the schema, then it is asked again with the problems once, then the item fails with the reason', async () => {
    const { store, history, model, deliver } = await setUp({
      a: [output({ name: 'A' }), output({ company: 'still wrong' })],
    });
    await deliver(['a']);
    expect(model.requests).toHaveLength(2);
    const feedback = model.requests[1]?.messages.at(-1);
    expect(feedback).toMatchObject({ role: 'tool', content: expect.stringContaining('validation_failed') });
    expect(feedback?.content).toMatch(/company_name/);
    const [result] = store.results(JOB_ID);
    expect(result?.output).toBeUndefined();
    expect(result?.error).toMatch(/^the output did not match the schema after 2 attempts: .*company_name/);
    expect(history.turns[0]?.messages.at(-1)?.content).toMatch(/^Failed: the output did not match/);
  });

  it('when the second answer matches the schema, then the item succeeds with it', async () => {
    const { store, deliver, callsFor } = await setUp({
      a: [output({ name: 'A' }), output({ company_name: 'A' })],
    });
    await deliver(['a']);
    expect(callsFor('a')).toBe(2);
    expect(store.results(JOB_ID)[0]).toMatchObject({ output: { company_name: 'A' } });
  });

  it('when the model refuses an item for good, then that item fails with the reason and is not retried', async () => {
    const refusal = new AppError(400, 'content_filter', 'The request was blocked by the content filter');
    const { store, deliver, callsFor } = await setUp({
      a: [{ error: refusal }],
      b: [output({ company_name: 'B' })],
    });
    await deliver(['a', 'b']);
    expect(callsFor('a')).toBe(1);
    expect(store.results(JOB_ID).map((result) => result.error ?? 'ok')).toEqual([
      'content_filter: The request was blocked by the content filter',
      'ok',
    ]);
  });

  it('when one item fails and another is rate limited in the same delivery, then the redelivery carries both and nothing is queued twice', async () => {
    const { requeued, deliver } = await setUp({
      a: [{ error: new Error('socket hang up') }],
      b: [rateLimited(12)],
    });
    await expect(deliver(['a', 'b'])).rejects.toThrow('will be retried');
    expect(requeued).toEqual([]);
  });
});
