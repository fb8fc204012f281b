import type { Page } from '../history/history-store';
import type { BatchItem, BatchSlice } from './batch-messages';

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
  /** How many batch-items messages the job's items make (each stored as a slice document first). */
  readonly slices?: number | undefined;
  /** Who is queueing the slices now, until when, and how many are on the queue so far. */
  readonly fanOut?: FanOut | undefined;
  /** What the recovery function last saw of the job's progress. */
  readonly progress?: JobProgress | undefined;
}

export interface FanOut {
  readonly owner: string;
  readonly leaseUntil: string;
  readonly queuedSlices: number;
}

export interface JobProgress {
  /** Items with an outcome when last looked at, and when that number last changed. */
  readonly done: number;
  readonly since: string;
  /** When the recovery function last looked. */
  readonly checkedAt?: string | undefined;
  readonly redrives: number;
}

/** Whether two records of a job's progress say the same (both absent counts as the same). */
export function sameProgress(a: JobProgress | undefined, b: JobProgress | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.done === b.done && a.since === b.since && a.checkedAt === b.checkedAt && a.redrives === b.redrives;
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
  /** A conditional create: of concurrent submissions with one id, exactly one gets 'created'. */
  createJob(job: BatchJob): Promise<'created' | 'exists'>;
  getJob(jobId: string): Promise<BatchJob | undefined>;
  /** The job's items as queue messages, stored before the job (idempotent: each slice is written once). */
  saveSlices(jobId: string, requestHash: string, slices: readonly BatchSlice[]): Promise<void>;
  getSlices(jobId: string, requestHash: string): Promise<BatchSlice[]>;
  /** Takes over the fan-out of a job not yet fanned out whose lease has run out; undefined when another holds it. */
  claimFanOut(jobId: string, owner: string, leaseUntil: string): Promise<FanOut | undefined>;
  /**
   * Records how many slices are queued (and renews the lease); `done` marks the job fanned out. Only while
   * `fanOut.owner` still holds the lease: false (and nothing written) when another has taken it over.
   */
  recordFanOut(jobId: string, fanOut: FanOut, done: boolean): Promise<boolean>;
  /** Jobs the recovery function has not yet seen finished, across partitions. */
  openJobs(): Promise<BatchJob[]>;
  /**
   * Records what the recovery function saw, only while the stored progress is still `expected` (what it
   * read): of two runs that overlap, one moves the job on; false for the other (nothing written).
   */
  recordProgress(jobId: string, progress: JobProgress, expected: JobProgress | undefined): Promise<boolean>;
  /** Every item has an outcome: the job leaves the recovery function's list. */
  closeJob(jobId: string): Promise<void>;
  /** The indexes of the items that have an outcome. */
  resultIndexes(jobId: string): Promise<Set<number>>;
  hasResult(jobId: string, index: number): Promise<boolean>;
  /** Writes an item's outcome once; a second write of the same index changes nothing. */
  saveResult(jobId: string, result: ItemResult): Promise<'created' | 'exists'>;
  recordAttemptError(jobId: string, index: number, error: string): Promise<void>;
  /**
   * A delivery of some of the job's items ended without their outcome (it failed, or rate limits sent them
   * back): they are still being tried, so the recovery function leaves the job alone for a while.
   */
  recordAttempt(jobId: string, at: string): Promise<void>;
  lastAttemptAt(jobId: string): Promise<string | undefined>;
  lastAttemptError(jobId: string, index: number): Promise<string | undefined>;
  counts(jobId: string): Promise<BatchCounts>;
  listResults(jobId: string, page: { size: number; continuationToken?: string }): Promise<Page<ItemResult>>;
}
