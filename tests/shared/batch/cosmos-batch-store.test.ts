import { randomUUID } from 'node:crypto';

import { type CosmosEmulator, startCosmosEmulator } from '../../../dev/stack/cosmos-emulator';
import { freePort } from '../../../dev/stack/ports';
import type { BatchStore } from '../../../src/shared/batch/batch-store';
import { createCosmosBatchStore } from '../../../src/shared/batch/cosmos-batch-store';
import { extractionModeOf } from '../../../src/shared/batch/extraction-mode';
import { createCosmosClient } from '../../../src/shared/cosmos/cosmos-client';
import { createContainerProvider } from '../../../src/shared/cosmos/cosmos-containers';

const SCHEMA = { type: 'object', properties: { a: { type: 'string' } } };
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('the Cosmos DB batch store, against the emulator', () => {
  let emulator: CosmosEmulator;
  let store: BatchStore;

  beforeAll(async () => {
    emulator = await startCosmosEmulator(await freePort());
    const config = { COSMOS_ENDPOINT: emulator.endpoint, COSMOS_KEY: emulator.key, COSMOS_DATABASE: 'chat' };
    const client = createCosmosClient(config, () => Promise.reject(new Error('key only')));
    const containers = createContainerProvider(() => client, config);
    store = createCosmosBatchStore(() => containers('batch'));
  });
  afterAll(() => emulator.stop());

  /** A job mid-fan-out whose submitter ('first') let its lease run out after queueing 16 slices. */
  const jobWithLapsedLease = async () => {
    const jobId = randomUUID().replaceAll('-', '');
    await store.createJob({
      jobId,
      userId: 'owner-1',
      schema: SCHEMA,
      total: 4_800,
      createdAt: new Date().toISOString(),
      requestHash: 'hash',
      fannedOut: false,
      extraction: extractionModeOf(SCHEMA),
      slices: 48,
      fanOut: { owner: 'first', leaseUntil: new Date(Date.now() - 1).toISOString(), queuedSlices: 16 },
    });
    return jobId;
  };

  it('when another took over a lapsed fan-out lease, then the first can neither record progress nor release it', async () => {
    const jobId = await jobWithLapsedLease();
    const taken = await store.claimFanOut(jobId, 'second', later(60_000));
    expect(taken).toMatchObject({ owner: 'second', queuedSlices: 16 });
    expect(
      await store.recordFanOut(jobId, { owner: 'first', leaseUntil: later(60_000), queuedSlices: 32 }, false),
    ).toBe(false);
    expect(
      await store.recordFanOut(
        jobId,
        { owner: 'first', leaseUntil: new Date(0).toISOString(), queuedSlices: 16 },
        false,
      ),
    ).toBe(false);
    expect((await store.getJob(jobId))?.fanOut).toEqual(taken);
    expect(await store.claimFanOut(jobId, 'third', later(60_000))).toBeUndefined();
  });

  it('when the job document changed since the holder last looked, then the holder still records its progress', async () => {
    const jobId = await jobWithLapsedLease();
    await store.claimFanOut(jobId, 'second', later(60_000));
    const progress = { done: 0, since: new Date().toISOString(), redrives: 0 };
    expect(await store.recordProgress(jobId, progress, undefined)).toBe(true); // a new ETag
    expect(
      await store.recordFanOut(jobId, { owner: 'second', leaseUntil: later(60_000), queuedSlices: 48 }, true),
    ).toBe(true);
    expect(await store.getJob(jobId)).toMatchObject({
      fannedOut: true,
      fanOut: { owner: 'second', queuedSlices: 48 },
    });
  });

  it('when two claim a lapsed lease at once, then exactly one holds it', async () => {
    const jobId = await jobWithLapsedLease();
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((owner) => store.claimFanOut(jobId, owner, later(60_000))),
    );
    const winners = claims.filter((claim) => claim !== undefined);
    expect(winners).toHaveLength(1);
    expect((await store.getJob(jobId))?.fanOut?.owner).toBe(winners[0]?.owner);
  });

  it('when deliveries of a job record their attempts, then the latest is read back, and none for another job', async () => {
    const jobId = await jobWithLapsedLease();
    expect(await store.lastAttemptAt(jobId)).toBeUndefined();
    await store.recordAttempt(jobId, '2026-12-02T03:00:00.000Z');
    await store.recordAttempt(jobId, '2026-12-02T03:05:00.000Z');
    expect(await store.lastAttemptAt(jobId)).toBe('2026-12-02T03:05:00.000Z');
    expect(await store.lastAttemptAt(await jobWithLapsedLease())).toBeUndefined();
  });

  it('when two recovery runs record progress from the same look, then only the first lands', async () => {
    const jobId = await jobWithLapsedLease();
    const seen = { done: 3, since: '2026-12-02T03:00:00.000Z', redrives: 0 };
    await store.recordProgress(jobId, seen, undefined);
    const next = (redrives: number) => ({ ...seen, since: '2026-12-02T03:15:00.000Z', redrives });
    const landed = await Promise.all([
      store.recordProgress(jobId, next(1), seen),
      store.recordProgress(jobId, next(1), seen),
    ]);
    expect(landed.sort()).toEqual([false, true]);
    expect((await store.getJob(jobId))?.progress).toEqual(next(1));
  });
});
