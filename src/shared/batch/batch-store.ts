import type { Page } from '../history/history-store';
import type { BatchItem } from './batch-messages';

/**
 * How a job's items are extracted, decided once when it is submitted: `strict` (structured outputs: the
 * schema, made to fit the strict subset by the listed transformations, is guaranteed) or `validated`
 * (a non-strict call, checked with ajv and re-asked once), with the reason strict was not possible.
 */
export type ExtractionMode =
  | { readonly mode: 'strict'; readonly transformations: readonly string[] }
  | { readonly mode: 'validated'; readonly reason: string };

export interface BatchJob {
  readonly jobId: string;
  readonly userId: string;
  readonly name?: string | undefined;
  readonly schema: Record<string, unknown>;
  readonly instructions?: string | undefined;
  readonly total: number;
  readonly createdAt: string;
  /** A hash of what was submitted, to tell a repeated submission from a reused idempotency key. */
  readonly requestHash: string;
  /** Every item is on the batch-items queue. */
  readonly fannedOut: boolean;
  readonly extraction: ExtractionMode;
}

export interface ItemResult {
  readonly index: number;
  readonly input: BatchItem;
  readonly output?: unknown;
  readonly error?: string | undefined;
  readonly completedAt: string;
}

export interface BatchCounts {
  readonly succeeded: number;
  readonly failed: number;
  readonly lastCompletedAt?: string;
}

/** Batch jobs and their results, one partition per job. A result's id is derived from its index. */
export interface BatchStore {
  createJob(job: BatchJob): Promise<'created' | 'exists'>;
  getJob(jobId: string): Promise<BatchJob | undefined>;
  markFannedOut(jobId: string): Promise<void>;
  hasResult(jobId: string, index: number): Promise<boolean>;
  /** Writes an item's outcome once; a second write of the same index changes nothing. */
  saveResult(jobId: string, result: ItemResult): Promise<'created' | 'exists'>;
  recordAttemptError(jobId: string, index: number, error: string): Promise<void>;
  lastAttemptError(jobId: string, index: number): Promise<string | undefined>;
  counts(jobId: string): Promise<BatchCounts>;
  listResults(jobId: string, page: { size: number; continuationToken?: string }): Promise<Page<ItemResult>>;
}
