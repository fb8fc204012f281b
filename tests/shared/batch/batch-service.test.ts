import { batchSliceSchema } from '../../../src/shared/batch/batch-messages';
import { createBatchService } from '../../../src/shared/batch/batch-service';
import { sweepBatchJobs } from '../../../src/shared/batch/stuck-jobs';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/shared/errors';
import { encodeQueueMessage } from '../../../src/shared/queues/queue-service';
import { queueNames } from '../../../src/shared/storage-names';
import { InMemoryBatchStore } from '../../support/in-memory-batch-store';
import { recordingQueue } from '../../support/recording-queue';
import { recordingLogger } from '../../support/test-logger';

const OWNER = { userId: 'owner-1', roles: [] };
const OTHER = { userId: 'someone-else', roles: [] };
const SCHEMA = {
  type: 'object',
  properties: { company_name: { type: 'string' } },
  required: ['company_name'],
};
// A storage queue message is at most 64 KiB, and the host reads it as base64.
const QUEUE_MESSAGE_LIMIT = 64 * 1024;

function setUp() {
  const store = new InMemoryBatchStore();
  const queue = recordingQueue();
  let failSendsAfter = Number.POSITIVE_INFINITY;
  const batch = createBatchService({
    store,
    enqueueSlice: (slice, delayMs) => {
      if (queue.sent.length >= failSendsAfter) return Promise.reject(new Error('the queue is unavailable'));
      return queue.send(queueNames.batchItems, slice, delayMs === undefined ? {} : { delayMs });
    },
    fanOutLeaseMs: 60_000,
  });
  const slices = () => queue.sent.map((message) => batchSliceSchema.parse(message.payload));
  return {
    store,
    batch,
    sent: queue.sent,
    slices,
    failSendsAfter: (count: number) => {
      failSendsAfter = count;
    },
  };
}

const companies = (count: number, size = 20) =>
  Array.from({ length: count }, (_, index) => `Company ${index} `.padEnd(size, 'x'));

/** One recovery sweep over the service's store, stuck after a minute, recording what it queues again. */
const sweepWith = (
  batch: ReturnType<typeof setUp>['batch'],
  store: InMemoryBatchStore,
  requeued: unknown[],
  now: () => number,
) =>
  sweepBatchJobs({
    store,
    resumeFanOut: (open) => batch.resumeFanOut(open),
    enqueueSlice: (slice) => Promise.resolve(void requeued.push(slice)),
    stuckAfterMs: 60_000,
    log: recordingLogger().log,
    now,
  });

describe('batch service', () => {
  it('when the same Idempotency-Key is sent again, then the same job comes back and its items are queued once', async () => {
    const { batch, sent } = setUp();
    const request = { items: companies(3), schema: SCHEMA };
    const first = await batch.submit(OWNER, request, { idempotencyKey: 'key-1' });
    const again = await batch.submit(OWNER, request, { idempotencyKey: 'key-1' });
    expect(first).toMatchObject({ status: 'queued', total: 3, created: true });
    expect(again).toEqual({ ...first, created: false });
    expect(sent).toHaveLength(1);
  });

  it('when another user sends the same Idempotency-Key, then they get a job of their own', async () => {
    const { batch } = setUp();
    const request = { items: companies(1), schema: SCHEMA };
    const mine = await batch.submit(OWNER, request, { idempotencyKey: 'key-1' });
    const theirs = await batch.submit(OTHER, request, { idempotencyKey: 'key-1' });
    expect(theirs.jobId).not.toBe(mine.jobId);
    expect(theirs.created).toBe(true);
  });

  it('when an Idempotency-Key is reused for a different submission, then it is a conflict and nothing is queued', async () => {
    const { batch, sent } = setUp();
    await batch.submit(OWNER, { items: companies(2), schema: SCHEMA }, { idempotencyKey: 'key-1' });
    const reused = batch.submit(
      OWNER,
      { items: companies(2), schema: SCHEMA, name: 'another name' },
      { idempotencyKey: 'key-1' },
    );
    await expect(reused).rejects.toBeInstanceOf(ConflictError);
    await expect(reused).rejects.toMatchObject({ status: 409 });
    expect(sent).toHaveLength(1);
  });

  it('when a queued job names a job id another user has, then it is a conflict, not a way into that job', async () => {
    const { batch } = setUp();
    await batch.submit(OWNER, { items: companies(1), schema: SCHEMA }, { jobId: 'shared-job-1' });
    await expect(
      batch.submit(OTHER, { items: companies(1), schema: SCHEMA }, { jobId: 'shared-job-1' }),
    ).rejects.toMatchObject({ status: 409, message: 'That job id is taken' });
  });

  it('when many items are submitted, then they are queued in order, in slices under the queue message limit', async () => {
    const { batch, slices, sent } = setUp();
    const items = [...companies(120, 20), ...companies(60, 1_900)];
    const { jobId } = await batch.submit(OWNER, { items, schema: SCHEMA });
    expect(slices().flatMap((slice) => slice.items.map((item) => item.index))).toEqual(
      items.map((_, index) => index),
    );
    expect(slices().flatMap((slice) => slice.items.map((item) => item.input))).toEqual(items);
    expect(slices().every((slice) => slice.jobId === jobId && slice.deferrals === 0)).toBe(true);
    expect(slices().length).toBeGreaterThan(3);
    for (const message of sent) {
      expect(message.queue).toBe('batch-items');
      expect(encodeQueueMessage(message.payload).length).toBeLessThan(QUEUE_MESSAGE_LIMIT);
    }
  });

  it('when the queue fails mid-submission, then the job is not accepted and sending it again queues every item', async () => {
    const { batch, store, slices, failSendsAfter } = setUp();
    const request = { items: companies(200), schema: SCHEMA };
    failSendsAfter(2);
    await expect(batch.submit(OWNER, request, { idempotencyKey: 'key-1' })).rejects.toThrow(
      'the queue is unavailable',
    );
    const [job] = store.jobs.values();
    expect(job?.fannedOut).toBe(false);
    failSendsAfter(Number.POSITIVE_INFINITY);
    const again = await batch.submit(OWNER, request, { idempotencyKey: 'key-1' });
    expect(again.jobId).toBe(job?.jobId);
    const queued = new Set(slices().flatMap((slice) => slice.items.map((item) => item.index)));
    expect(queued.size).toBe(200);
    expect(store.jobs.get(again.jobId)?.fannedOut).toBe(true);
  });

  it('when the output schema is not a valid JSON Schema, then it is a validation error and no job is made', async () => {
    const { batch, store } = setUp();
    await expect(
      batch.submit(OWNER, { items: ['a'], schema: { type: 'object', properties: { x: { type: 'strin' } } } }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(store.jobs.size).toBe(0);
  });

  it("when another user asks for a job's status or results, then it is not found", async () => {
    const { batch } = setUp();
    const { jobId } = await batch.submit(OWNER, { items: companies(1), schema: SCHEMA });
    await expect(batch.status(OTHER, jobId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(batch.results(OTHER, jobId, { size: 10 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(batch.status(OWNER, 'no-such-job-1')).rejects.toMatchObject({ status: 404 });
    await expect(batch.status(OWNER, jobId)).resolves.toMatchObject({ status: 'queued', pending: 1 });
  });

  it('when items finish, then the status moves from running to completed_with_errors and results list each once', async () => {
    const { batch, store } = setUp();
    const { jobId } = await batch.submit(OWNER, { items: ['a', 'b'], schema: SCHEMA, name: 'two' });
    await store.saveResult(jobId, {
      index: 1,
      input: 'b',
      output: { company_name: 'B' },
      completedAt: '2026-01-01T00:00:01.000Z',
    });
    expect(await batch.status(OWNER, jobId)).toMatchObject({
      name: 'two',
      status: 'running',
      succeeded: 1,
      pending: 1,
    });
    await store.saveResult(jobId, {
      index: 0,
      input: 'a',
      error: 'the output did not match',
      completedAt: '2026-01-01T00:00:02.000Z',
    });
    expect(await batch.status(OWNER, jobId)).toMatchObject({
      status: 'completed_with_errors',
      succeeded: 1,
      failed: 1,
      pending: 0,
      updatedAt: '2026-01-01T00:00:02.000Z',
    });
    expect(await batch.results(OWNER, jobId, { size: 10 })).toEqual({
      items: [
        { index: 0, input: 'a', error: 'the output did not match' },
        { index: 1, input: 'b', output: { company_name: 'B' } },
      ],
    });
  });

  it('when two submissions with one Idempotency-Key arrive at once, then one job is made and its items are queued once', async () => {
    const { batch, slices } = setUp();
    const request = { items: companies(120), schema: SCHEMA };
    const [first, second] = await Promise.all([
      batch.submit(OWNER, request, { idempotencyKey: 'same-key' }),
      batch.submit(OWNER, request, { idempotencyKey: 'same-key' }),
    ]);
    expect(second.jobId).toBe(first.jobId);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const queued = slices().flatMap((slice) => slice.items.map((item) => item.index));
    expect(queued).toEqual(request.items.map((_, index) => index));
  });

  it('when a submission died mid-fan-out, then the recovery sweep resumes it from what it recorded, not from the start', async () => {
    const { batch, store, sent, slices } = setUp();
    const request = { items: companies(2_000), schema: SCHEMA };
    const { jobId } = await batch.submit(OWNER, request, { idempotencyKey: 'crash-key' });
    const job = store.jobs.get(jobId);
    if (job === undefined) throw new Error('no job');
    // As if the process had died after queueing the first 16 slices (and recording them).
    store.jobs.set(jobId, {
      ...job,
      fannedOut: false,
      fanOut: { owner: 'dead-process', leaseUntil: new Date(Date.now() - 1).toISOString(), queuedSlices: 16 },
    });
    sent.splice(16);
    const report = await sweepBatchJobs({
      store,
      resumeFanOut: (open) => batch.resumeFanOut(open),
      enqueueSlice: () => Promise.reject(new Error('not used')),
      stuckAfterMs: 60_000,
      log: recordingLogger().log,
    });
    expect(report.resumed).toBe(1);
    expect(store.jobs.get(jobId)?.fannedOut).toBe(true);
    const queued = slices().flatMap((slice) => slice.items.map((item) => item.index));
    expect(queued).toEqual(request.items.map((_, index) => index));
    // The first slices after the record may have been sent already: they wait, so the first copies run first.
    expect(sent[16]?.delayMs).toBe(60_000);
    expect(sent.at(-1)?.delayMs).toBeUndefined();
  });

  it('when a job has not moved for the stuck time, then its unfinished items, and only those, are queued again', async () => {
    const { batch, store } = setUp();
    let now = Date.now();
    const { jobId } = await batch.submit(OWNER, { items: companies(3), schema: SCHEMA });
    await store.saveResult(jobId, {
      index: 1,
      input: 'b',
      output: {},
      completedAt: new Date().toISOString(),
    });
    const requeued: unknown[] = [];
    const sweep = () => sweepWith(batch, store, requeued, () => now);
    await sweep(); // first look: progress recorded
    now += 30_000;
    expect((await sweep()).redriven).toBe(0);
    now += 31_000;
    expect((await sweep()).redriven).toBe(1);
    expect(requeued).toEqual([
      {
        jobId,
        items: [
          { index: 0, input: companies(3)[0] },
          { index: 2, input: companies(3)[2] },
        ],
        deferrals: 0,
      },
    ]);
    await store.saveResult(jobId, {
      index: 0,
      input: 'a',
      output: {},
      completedAt: new Date().toISOString(),
    });
    await store.saveResult(jobId, {
      index: 2,
      input: 'c',
      output: {},
      completedAt: new Date().toISOString(),
    });
    expect((await sweep()).closed).toBe(1);
    expect((await sweep()).open).toBe(0);
  });

  it('when the sweep could not look for longer than the stuck time, then the clock restarts instead of re-driving at once', async () => {
    const { batch, store } = setUp();
    let now = Date.now();
    await batch.submit(OWNER, { items: companies(2), schema: SCHEMA });
    const requeued: unknown[] = [];
    const sweep = () => sweepWith(batch, store, requeued, () => now);
    await sweep();
    // An outage kept the recovery function from looking for ten minutes; the items' own messages may
    // still be waiting out their redelivery delay.
    now += 600_000;
    expect((await sweep()).redriven).toBe(0);
    now += 30_000;
    expect((await sweep()).redriven).toBe(0);
    now += 31_000;
    expect((await sweep()).redriven).toBe(1);
    expect(requeued).toHaveLength(1);
  });
});
