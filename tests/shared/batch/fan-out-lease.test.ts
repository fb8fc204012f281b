import type { BatchSlice } from '../../../src/shared/batch/batch-messages';
import { createBatchService } from '../../../src/shared/batch/batch-service';
import { InMemoryBatchStore } from '../../support/in-memory-batch-store';

const OWNER = { userId: 'owner-1', roles: [] };
const SCHEMA = { type: 'object', properties: { a: { type: 'string' } } };
const LEASE_MS = 60_000;
const SLICE_ITEMS = 50;
const START = Date.parse('2026-12-02T03:00:00Z');

/**
 * A batch service whose queue can hold back the send of one slice (a slow queue) until released, with a
 * clock the test moves. `sent` lists each slice sent by its first item's slice number and its delay.
 */
function setUp(stallSlice: number, failStalled = false) {
  let clock = START;
  const store = new InMemoryBatchStore(() => clock);
  const sent: { slice: number; delayMs: number | undefined }[] = [];
  let release: (() => void) | undefined;
  let stalled = false;
  const batch = createBatchService({
    store,
    fanOutLeaseMs: LEASE_MS,
    now: () => clock,
    enqueueSlice: async (slice: BatchSlice, delayMs?: number) => {
      const number = (slice.items[0]?.index ?? -1) / SLICE_ITEMS;
      if (number === stallSlice && !stalled) {
        stalled = true;
        await new Promise<void>((resolve) => (release = resolve));
        if (failStalled) throw new Error('the queue is unavailable');
      }
      sent.push({ slice: number, delayMs });
    },
  });
  return {
    store,
    batch,
    sent,
    advance: (ms: number) => (clock += ms),
    whenStalled: async () => {
      while (release === undefined) await new Promise((resolve) => setImmediate(resolve));
    },
    release: () => release?.(),
  };
}

const items = (slices: number) => Array.from({ length: slices * SLICE_ITEMS }, (_, index) => `item ${index}`);

describe('the fan-out lease', () => {
  it('when a submitter outlived its lease and another took the fan-out over, then it stops sending and no slice is queued twice without the delay', async () => {
    const { store, batch, sent, advance, whenStalled, release } = setUp(16); // the second group of 16
    const submission = batch.submit(OWNER, { items: items(48), schema: SCHEMA }, { idempotencyKey: 'k' });
    await whenStalled();
    advance(LEASE_MS + 1); // the lease runs out while the submitter waits on the queue
    const [open] = await store.openJobs();
    if (open === undefined) throw new Error('no job');
    expect(await batch.resumeFanOut(open)).toBe(true); // the recovery sweep (or a retry) takes over
    release();
    // The submission still answers with its job: the job is stored and fanned out by the other.
    await expect(submission).resolves.toMatchObject({ jobId: open.jobId, status: 'queued', total: 2400 });

    const copies = (slice: number) => sent.filter((entry) => entry.slice === slice);
    const undelayedTwice = Array.from({ length: 48 }, (_, slice) => slice).filter(
      (slice) => copies(slice).filter((entry) => entry.delayMs === undefined).length > 1,
    );
    expect(undelayedTwice).toEqual([]);
    // Only the group the submitter was sending when it lost the lease may be on the queue twice.
    const twice = Array.from({ length: 48 }, (_, slice) => slice).filter((slice) => copies(slice).length > 1);
    expect(twice.every((slice) => slice >= 16 && slice < 32)).toBe(true);
    expect(Array.from({ length: 48 }, (_, slice) => copies(slice).length >= 1).every(Boolean)).toBe(true);
    expect(store.jobs.get(open.jobId)?.fannedOut).toBe(true);
  });

  it('when a submitter that lost its lease then fails, then it leaves the new holder its lease', async () => {
    const { store, batch, advance, whenStalled, release } = setUp(16, true);
    const submission = batch.submit(OWNER, { items: items(48), schema: SCHEMA }, { idempotencyKey: 'k' });
    await whenStalled();
    advance(LEASE_MS + 1);
    const [open] = await store.openJobs();
    if (open === undefined) throw new Error('no job');
    // A new holder claims the fan-out and is still at it (it has queued nothing yet).
    const holder = await store.claimFanOut(
      open.jobId,
      'new-holder',
      new Date(START + 3 * LEASE_MS).toISOString(),
    );
    expect(holder).toBeDefined();
    release();
    // The job is another's to finish now: the submission is answered with it, not with the queue's error.
    await expect(submission).resolves.toMatchObject({ jobId: open.jobId });
    expect(store.jobs.get(open.jobId)?.fanOut).toEqual(holder);
    // So a repeat within the new holder's lease does not take the fan-out over as well.
    expect(
      await store.claimFanOut(open.jobId, 'third', new Date(START + 4 * LEASE_MS).toISOString()),
    ).toBeUndefined();
  });

  it('when the queue fails while the submitter still holds its lease, then the submission fails and a repeat resumes at once', async () => {
    const { store, batch, whenStalled, release } = setUp(16, true);
    const request = { items: items(48), schema: SCHEMA };
    const submission = batch.submit(OWNER, request, { idempotencyKey: 'k' });
    await whenStalled();
    release();
    await expect(submission).rejects.toThrow('the queue is unavailable');
    const again = await batch.submit(OWNER, request, { idempotencyKey: 'k' });
    expect(store.jobs.get(again.jobId)?.fannedOut).toBe(true);
  });
});
