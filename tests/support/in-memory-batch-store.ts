import type { BatchSlice } from '../../src/shared/batch/batch-messages';
import {
  type BatchCounts,
  type BatchJob,
  type BatchStore,
  type FanOut,
  type ItemResult,
  type JobProgress,
  sameProgress,
} from '../../src/shared/batch/batch-store';
import type { Page } from '../../src/shared/history/history-store';

/**
 * The batch store port in memory, with the Cosmos DB store's rules: creating a job or a result that
 * exists changes nothing and says so; results are listed in index order.
 */
export class InMemoryBatchStore implements BatchStore {
  readonly jobs = new Map<string, BatchJob>();
  readonly #results = new Map<string, Map<number, ItemResult>>();
  readonly #attemptErrors = new Map<string, string>();
  readonly #slices = new Map<string, BatchSlice[]>();
  readonly #closed = new Set<string>();
  readonly #attempted = new Map<string, string>();

  /** `now` is the clock leases are judged by (the Cosmos DB store uses the machine's). */
  constructor(private readonly now: () => number = Date.now) {}

  createJob(job: BatchJob): Promise<'created' | 'exists'> {
    if (this.jobs.has(job.jobId)) return Promise.resolve('exists');
    this.jobs.set(job.jobId, structuredClone(job));
    return Promise.resolve('created');
  }

  getJob(jobId: string): Promise<BatchJob | undefined> {
    return Promise.resolve(this.jobs.get(jobId));
  }

  saveSlices(jobId: string, requestHash: string, slices: readonly BatchSlice[]): Promise<void> {
    const key = `${jobId}\n${requestHash}`;
    if (!this.#slices.has(key)) this.#slices.set(key, structuredClone([...slices]));
    return Promise.resolve();
  }

  getSlices(jobId: string, requestHash: string): Promise<BatchSlice[]> {
    return Promise.resolve(structuredClone(this.#slices.get(`${jobId}\n${requestHash}`) ?? []));
  }

  claimFanOut(jobId: string, owner: string, leaseUntil: string): Promise<FanOut | undefined> {
    const job = this.jobs.get(jobId);
    if (job === undefined || job.fannedOut) return Promise.resolve(undefined);
    const held = job.fanOut;
    if (held !== undefined && held.owner !== owner && held.leaseUntil > new Date(this.now()).toISOString())
      return Promise.resolve(undefined);
    const fanOut = { owner, leaseUntil, queuedSlices: held?.queuedSlices ?? 0 };
    this.jobs.set(jobId, { ...job, fanOut });
    return Promise.resolve(fanOut);
  }

  recordFanOut(jobId: string, fanOut: FanOut, done: boolean): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (job === undefined) return Promise.reject(new Error(`no job ${jobId}`));
    if (job.fanOut?.owner !== fanOut.owner) return Promise.resolve(false);
    this.jobs.set(jobId, { ...job, fanOut, fannedOut: job.fannedOut || done });
    return Promise.resolve(true);
  }

  openJobs(): Promise<BatchJob[]> {
    return Promise.resolve([...this.jobs.values()].filter((job) => !this.#closed.has(job.jobId)));
  }

  recordProgress(jobId: string, progress: JobProgress, expected: JobProgress | undefined): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (job === undefined) return Promise.reject(new Error(`no job ${jobId}`));
    if (!sameProgress(job.progress, expected)) return Promise.resolve(false);
    this.jobs.set(jobId, { ...job, progress });
    return Promise.resolve(true);
  }

  closeJob(jobId: string): Promise<void> {
    this.#closed.add(jobId);
    return Promise.resolve();
  }

  resultIndexes(jobId: string): Promise<Set<number>> {
    return Promise.resolve(new Set(this.#resultsOf(jobId).keys()));
  }

  hasResult(jobId: string, index: number): Promise<boolean> {
    return Promise.resolve(this.#resultsOf(jobId).has(index));
  }

  saveResult(jobId: string, result: ItemResult): Promise<'created' | 'exists'> {
    const results = this.#resultsOf(jobId);
    if (results.has(result.index)) return Promise.resolve('exists');
    results.set(result.index, structuredClone(result));
    return Promise.resolve('created');
  }

  recordAttemptError(jobId: string, index: number, error: string): Promise<void> {
    this.#attemptErrors.set(`${jobId}\n${index}`, error);
    return Promise.resolve();
  }

  recordAttempt(jobId: string, at: string): Promise<void> {
    this.#attempted.set(jobId, at);
    return Promise.resolve();
  }

  lastAttemptAt(jobId: string): Promise<string | undefined> {
    return Promise.resolve(this.#attempted.get(jobId));
  }

  lastAttemptError(jobId: string, index: number): Promise<string | undefined> {
    return Promise.resolve(this.#attemptErrors.get(`${jobId}\n${index}`));
  }

  counts(jobId: string): Promise<BatchCounts> {
    const results = [...this.#resultsOf(jobId).values()];
    const failed = results.filter((result) => result.error !== undefined).length;
    const last = results
      .map((result) => result.completedAt)
      .sort()
      .at(-1);
    return Promise.resolve({
      succeeded: results.length - failed,
      failed,
      ...(last === undefined ? {} : { lastCompletedAt: last }),
    });
  }

  listResults(jobId: string, page: { size: number }): Promise<Page<ItemResult>> {
    const items = [...this.#resultsOf(jobId).values()].sort((a, b) => a.index - b.index);
    return Promise.resolve({ items: items.slice(0, page.size) });
  }

  /** Every result of a job, in index order. */
  results(jobId: string): ItemResult[] {
    return [...this.#resultsOf(jobId).values()].sort((a, b) => a.index - b.index);
  }

  #resultsOf(jobId: string): Map<number, ItemResult> {
    let results = this.#results.get(jobId);
    if (results === undefined) {
      results = new Map();
      this.#results.set(jobId, results);
    }
    return results;
  }
}
