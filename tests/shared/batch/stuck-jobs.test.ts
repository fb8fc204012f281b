import { AdaptiveLimiter } from '../../../src/shared/batch/adaptive-limiter';
import type { BatchSlice } from '../../../src/shared/batch/batch-messages';
import { createBatchService } from '../../../src/shared/batch/batch-service';
import { processSlice } from '../../../src/shared/batch/process-slice';
import { sweepBatchJobs } from '../../../src/shared/batch/stuck-jobs';
import { createValidatorCache } from '../../../src/shared/batch/validator-cache';
import { UpstreamError } from '../../../src/shared/errors';
import { InMemoryBatchStore } from '../../support/in-memory-batch-store';
import { InMemoryHistoryStore } from '../../support/in-memory-history-store';
import { ScriptedChatModel } from '../../support/scripted-chat-model';
import { recordingLogger } from '../../support/test-logger';

const OWNER = { userId: 'owner-1', roles: [] };
const SCHEMA = { type: 'object', properties: { a: { type: 'string' } } };
const MINUTE = 60_000;
const STUCK_AFTER_MS = 15 * MINUTE; // BATCH_STUCK_AFTER_SECONDS' default
const PUT_BACK_MS = 5 * MINUTE; // QUEUE_RETRY_MAX_SECONDS' default: the longest a put-back message waits

/**
 * A 100-item job (two slices) fanned out at START, a worker whose model is down (the circuit is open,
 * Cosmos DB is up), and a recovery sweep every five minutes, on one fake clock.
 */
async function setUp(
  failure: Error = new UpstreamError(503, 'model_unavailable', 'the deployment failed repeatedly', 30),
) {
  let clock = Date.parse('2026-12-02T03:00:00Z');
  const store = new InMemoryBatchStore(() => clock);
  const queued: BatchSlice[] = [];
  const batch = createBatchService({
    store,
    enqueueSlice: (slice) => Promise.resolve(void queued.push(slice)),
    fanOutLeaseMs: MINUTE,
    now: () => clock,
  });
  const items = Array.from({ length: 100 }, (_, index) => `item ${index}`);
  await batch.submit(OWNER, { items, schema: SCHEMA });
  const model = ScriptedChatModel.replying(() => ({ error: failure }));
  const deliver = (slice: BatchSlice) =>
    processSlice(
      { ...slice, deferrals: slice.deferrals ?? 0 },
      {
        store,
        history: new InMemoryHistoryStore(),
        model,
        // Room for a whole slice at once: a 429 parks nobody (the limiter waits in real time).
        limiter: new AdaptiveLimiter({ initial: 64, max: 64 }),
        validatorFor: createValidatorCache(),
        requeue: () => Promise.resolve(), // the deferred copy is `slice` again, delivered by the test
        maxDeferrals: 30,
        maxCompletionTokens: 2_048,
        log: recordingLogger().log,
        now: () => clock,
      },
    ).catch(() => undefined); // the queue function puts it back
  const requeued: BatchSlice[] = [];
  const sweep = () =>
    sweepBatchJobs({
      store,
      resumeFanOut: (job) => batch.resumeFanOut(job),
      enqueueSlice: (slice) => Promise.resolve(void requeued.push(slice)),
      stuckAfterMs: STUCK_AFTER_MS,
      log: recordingLogger().log,
      now: () => clock,
    });
  return { queued: [...queued], deliver, sweep, requeued, advance: (ms: number) => (clock += ms) };
}

const itemCount = (slices: readonly BatchSlice[]) =>
  slices.reduce((sum, slice) => sum + slice.items.length, 0);

describe('the stuck-job sweep', () => {
  it('when the model is down for 30 minutes while the items are still being attempted, then nothing is queued again', async () => {
    const { queued, deliver, sweep, requeued, advance } = await setUp();
    expect(queued).toHaveLength(2);
    for (let minute = 0; minute <= 30; minute += 5) {
      // Each message comes back from its put-back (at most five minutes later) and fails again.
      for (const slice of queued) await deliver(slice);
      await sweep();
      advance(PUT_BACK_MS);
    }
    expect(itemCount(requeued)).toBe(0);
  });

  it('when rate limits keep sending the items back for 30 minutes, then nothing is queued again', async () => {
    const rateLimited = new UpstreamError(503, 'model_busy', 'at the rate limit', 240);
    const { queued, deliver, sweep, requeued, advance } = await setUp(rateLimited);
    for (let minute = 0; minute <= 30; minute += 5) {
      for (const slice of queued) await deliver(slice);
      await sweep();
      advance(PUT_BACK_MS);
    }
    expect(itemCount(requeued)).toBe(0);
  });

  it('when a job has had no attempt for the stuck time (its messages were lost), then it is queued again once', async () => {
    const { sweep, requeued, advance } = await setUp();
    for (let minute = 0; minute <= 25; minute += 5) {
      await sweep();
      advance(5 * MINUTE);
    }
    expect(requeued).toHaveLength(2);
    expect(itemCount(requeued)).toBe(100);
  });

  it('when the attempts stop (the messages were lost mid-outage), then the job is queued again the stuck time after the last one', async () => {
    const { queued, deliver, sweep, requeued, advance } = await setUp();
    for (let minute = 0; minute <= 10; minute += 5) {
      for (const slice of queued) await deliver(slice);
      await sweep();
      advance(5 * MINUTE);
    }
    // The last attempt was at minute 10: nothing before minute 25, then one re-drive.
    for (let minute = 15; minute <= 20; minute += 5) {
      await sweep();
      advance(5 * MINUTE);
    }
    expect(requeued).toHaveLength(0);
    await sweep(); // minute 25
    expect(itemCount(requeued)).toBe(100);
  });

  it('when two recovery runs overlap (an admin run during a scheduled one), then a stuck job is queued again once', async () => {
    const { sweep, requeued, advance } = await setUp();
    for (let minute = 0; minute < 15; minute += 5) {
      await sweep();
      advance(5 * MINUTE);
    }
    const reports = await Promise.all([sweep(), sweep()]);
    expect(reports.map((report) => report.redriven).sort()).toEqual([0, 1]);
    expect(itemCount(requeued)).toBe(100);
  });
});
