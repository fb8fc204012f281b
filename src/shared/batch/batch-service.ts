import { createHash, randomUUID } from 'node:crypto';

import { ConflictError, NotFoundError } from '../errors';
import { decodeContinuationToken, encodeContinuationToken } from '../history/continuation-token';
import type { Caller } from '../identity/caller';
import type { BatchItem, BatchJobRequest, BatchSlice } from './batch-messages';
import type { BatchStore, ExtractionMode, ItemResult } from './batch-store';
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
 * item is on the queue; repeating a submission (same Idempotency-Key or job id) finds the same job.
 */
export function createBatchService(deps: {
  store: BatchStore;
  enqueueSlice: (slice: BatchSlice) => Promise<void>;
  /** Refuses a new job (its items, one more running job) before anything is stored or queued. */
  admitJob?: (owner: Caller, jobId: string, items: number) => Promise<void>;
}) {
  const ownJob = async (caller: Caller, jobId: string) => {
    const job = await deps.store.getJob(jobId);
    if (job?.userId !== caller.userId) throw new NotFoundError('No such batch job');
    return job;
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
      // A repeated submission was counted the first time; a new one is counted whole, or refused whole.
      const repeated =
        options.idempotencyKey !== undefined || options.jobId !== undefined
          ? await deps.store.getJob(jobId)
          : undefined;
      if (repeated === undefined) await deps.admitJob?.(owner, jobId, request.items.length);
      const created = await deps.store.createJob({
        jobId,
        userId: owner.userId,
        name: request.name,
        schema: request.schema,
        instructions: request.instructions,
        total: request.items.length,
        createdAt: new Date().toISOString(),
        requestHash,
        fannedOut: false,
        extraction: extractionModeOf(request.schema),
      });
      if (created === 'exists') {
        const existing = await deps.store.getJob(jobId);
        if (existing?.userId !== owner.userId) throw new ConflictError('That job id is taken');
        if (existing.requestHash !== requestHash)
          throw new ConflictError('This idempotency key or job id was used for a different submission');
        if (existing.fannedOut)
          return { jobId, status: 'queued' as const, total: existing.total, created: false };
      }
      // Re-sending a slice after a failed submission is harmless: each result is written once.
      const slices = toSlices(jobId, request.items);
      for (let start = 0; start < slices.length; start += ENQUEUE_CONCURRENCY) {
        await Promise.all(
          slices.slice(start, start + ENQUEUE_CONCURRENCY).map((slice) => deps.enqueueSlice(slice)),
        );
      }
      await deps.store.markFannedOut(jobId);
      return {
        jobId,
        status: 'queued' as const,
        total: request.items.length,
        created: created === 'created',
      };
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
