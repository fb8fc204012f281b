// Longer than 200 lines because a submission and its fan-out lease are one protocol over the job
// document: who queues the slices, how far they got, and how a repeat or the recovery function resumes it.
import { createHash, randomUUID } from 'node:crypto';

import { ConflictError, NotFoundError } from '../errors';
import { decodeContinuationToken, encodeContinuationToken } from '../history/continuation-token';
import type { Caller } from '../identity/caller';
import type { BatchItem, BatchJobRequest, BatchSlice } from './batch-messages';
import type { BatchJob, BatchStore, ExtractionMode, FanOut, ItemResult } from './batch-store';
import { jobIdFromIdempotencyKey } from './deterministic-ids';
import { extractionModeOf } from './extraction-mode';
import { compileOutputSchema } from './output-schema';

export type JobStatusName = 'queued' | 'running' | 'completed' | 'completed_with_errors';

export interface JobStatus {
  readonly jobId: string;
  readonly name: string | null;
  readonly status: JobStatusName;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly extraction: ExtractionMode;
}

// Slices stay well under the 64 KiB queue limit once base64-encoded (x 4/3).
const MAX_SLICE_JSON_BYTES = 40_000;
const MAX_SLICE_ITEMS = 50;
const ENQUEUE_CONCURRENCY = 16;

/** Packs items into batch-items messages, in order. */
export function toSlices(jobId: string, items: readonly BatchItem[]): BatchSlice[] {
  const slices: BatchSlice[] = [];
  let current: { index: number; input: BatchItem }[] = [];
  let size = 0;
  items.forEach((input, index) => {
    const itemSize = Buffer.byteLength(JSON.stringify({ index, input }));
    if (current.length > 0 && (size + itemSize > MAX_SLICE_JSON_BYTES || current.length >= MAX_SLICE_ITEMS)) {
      slices.push({ jobId, items: current, deferrals: 0 });
      current = [];
      size = 0;
    }
    current.push({ index, input });
    size += itemSize;
  });
  if (current.length > 0) slices.push({ jobId, items: current, deferrals: 0 });
  return slices;
}

/**
 * Batch jobs: submitting (HTTP or queue), reading status and results. A job is accepted only once every
 * item is on the queue. Submissions with the same Idempotency-Key (or job id) make one job: its slices are
 * stored first, then the job document is created conditionally, and only the submission holding the
 * job's fan-out lease queues its items. Another submission meanwhile answers with the same job; one that
 * died mid-fan-out is resumed from what it recorded (by a repeat after the lease, or the recovery function).
 */
export function createBatchService(deps: {
  store: BatchStore;
  enqueueSlice: (slice: BatchSlice, delayMs?: number) => Promise<void>;
  /** BATCH_FAN_OUT_LEASE_SECONDS, in ms. */
  fanOutLeaseMs: number;
  /** Refuses a new job (its items, one more running job) before anything is stored or queued. */
  admitJob?: (owner: Caller, jobId: string, items: number) => Promise<void>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const ownJob = async (caller: Caller, jobId: string) => {
    const job = await deps.store.getJob(jobId);
    if (job?.userId !== caller.userId) throw new NotFoundError('No such batch job');
    return job;
  };
  const leaseUntil = () => new Date(now() + deps.fanOutLeaseMs).toISOString();

  /**
   * Queues the slices from `fanOut.queuedSlices` on, recording progress (and renewing the lease) after each
   * group, while the lease is still this one's. A resumed fan-out sends its first group with the lease as
   * delay: those slices may be on the queue already (sent, not recorded), and the first copies then run
   * first, so the second finds their items done. A fan-out that finds its lease taken over (it outlived it,
   * say on a slow queue) stops: the new holder goes on from what was recorded, and the job is accepted.
   */
  const fanOut = async (jobId: string, slices: readonly BatchSlice[], from: FanOut, resumed: boolean) => {
    let queued = from.queuedSlices;
    try {
      if (queued >= slices.length) {
        await deps.store.recordFanOut(jobId, { ...from, leaseUntil: leaseUntil() }, true);
        return;
      }
      while (queued < slices.length) {
        const group = slices.slice(queued, queued + ENQUEUE_CONCURRENCY);
        const delayMs = resumed && queued === from.queuedSlices ? deps.fanOutLeaseMs : undefined;
        await Promise.all(group.map((slice) => deps.enqueueSlice(slice, delayMs)));
        queued += group.length;
        const held = await deps.store.recordFanOut(
          jobId,
          { owner: from.owner, leaseUntil: leaseUntil(), queuedSlices: queued },
          queued >= slices.length,
        );
        if (!held) return;
      }
    } catch (error) {
      // This submission fails (and is not accepted): its lease goes at once, so a repeat resumes it. Unless
      // the lease is another's by now: then the job is theirs to finish, and this submission is answered.
      const released = { owner: from.owner, leaseUntil: new Date(0).toISOString(), queuedSlices: queued };
      const held = await deps.store.recordFanOut(jobId, released, false).catch(() => true);
      if (held) throw error;
    }
  };

  return {
    async submit(
      owner: Caller,
      request: BatchJobRequest,
      options: { idempotencyKey?: string; jobId?: string } = {},
    ) {
      compileOutputSchema(request.schema);
      const requestHash = createHash('sha256')
        .update(
          JSON.stringify([request.items, request.schema, request.instructions ?? null, request.name ?? null]),
        )
        .digest('hex');
      const jobId =
        options.jobId ??
        (options.idempotencyKey === undefined
          ? randomUUID().replaceAll('-', '')
          : jobIdFromIdempotencyKey(owner.userId, options.idempotencyKey));
      const accepted = { jobId, status: 'queued' as const, total: request.items.length };
      const checkRepeat = (existing: BatchJob | undefined) => {
        if (existing === undefined) return;
        if (existing.userId !== owner.userId) throw new ConflictError('That job id is taken');
        if (existing.requestHash !== requestHash)
          throw new ConflictError('This idempotency key or job id was used for a different submission');
      };
      const known = await deps.store.getJob(jobId);
      checkRepeat(known);
      if (known?.fannedOut === true) return { ...accepted, created: false };
      const slices = toSlices(jobId, request.items);
      if (known === undefined) {
        // A repeated submission was counted the first time; a new one is counted whole, or refused whole.
        await deps.admitJob?.(owner, jobId, request.items.length);
        // The slices first: a job document means its items are stored, so anyone can finish its fan-out.
        await deps.store.saveSlices(jobId, requestHash, slices);
        const lease: FanOut = { owner: randomUUID(), leaseUntil: leaseUntil(), queuedSlices: 0 };
        const created = await deps.store.createJob({
          jobId,
          userId: owner.userId,
          name: request.name,
          schema: request.schema,
          instructions: request.instructions,
          total: request.items.length,
          createdAt: new Date(now()).toISOString(),
          requestHash,
          fannedOut: false,
          extraction: extractionModeOf(request.schema),
          slices: slices.length,
          fanOut: lease,
        });
        if (created === 'created') {
          await fanOut(jobId, slices, lease, false);
          return { ...accepted, created: true };
        }
        const existing = await deps.store.getJob(jobId);
        checkRepeat(existing);
        if (existing === undefined || existing.fannedOut) return { ...accepted, created: false };
      }
      // Another submission of the same job holds the fan-out (the answer is its job), or died holding it.
      const claimed = await deps.store.claimFanOut(jobId, randomUUID(), leaseUntil());
      if (claimed !== undefined) await fanOut(jobId, slices, claimed, true);
      return { ...accepted, created: false };
    },

    /**
     * Finishes the fan-out of a job whose submission died (its lease has run out), from its stored slices.
     * False when another submission holds the lease.
     */
    async resumeFanOut(job: BatchJob): Promise<boolean> {
      const claimed = await deps.store.claimFanOut(job.jobId, randomUUID(), leaseUntil());
      if (claimed === undefined) return false;
      await fanOut(job.jobId, await deps.store.getSlices(job.jobId, job.requestHash), claimed, true);
      return true;
    },

    async status(caller: Caller, jobId: string): Promise<JobStatus> {
      const job = await ownJob(caller, jobId);
      const { succeeded, failed, lastCompletedAt } = await deps.store.counts(jobId);
      const done = succeeded + failed;
      const status: JobStatusName =
        done >= job.total
          ? failed > 0
            ? 'completed_with_errors'
            : 'completed'
          : done > 0
            ? 'running'
            : 'queued';
      return {
        jobId,
        name: job.name ?? null,
        status,
        total: job.total,
        succeeded,
        failed,
        pending: Math.max(0, job.total - done),
        createdAt: job.createdAt,
        updatedAt: lastCompletedAt ?? job.createdAt,
        extraction: job.extraction,
      };
    },

    async results(caller: Caller, jobId: string, page: { size: number; continuationToken?: string }) {
      await ownJob(caller, jobId);
      const token = decodeContinuationToken(page.continuationToken);
      const result = await deps.store.listResults(
        jobId,
        token === undefined ? { size: page.size } : { size: page.size, continuationToken: token },
      );
      const items = result.items.map(({ completedAt: _at, ...item }: ItemResult) => item);
      const next = encodeContinuationToken(result.continuationToken);
      return { items, ...(next === undefined ? {} : { continuationToken: next }) };
    },
  };
}

export type BatchService = ReturnType<typeof createBatchService>;
