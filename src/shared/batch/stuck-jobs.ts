import type { Logger } from '../logging/logger';
import type { BatchSlice } from './batch-messages';
import type { BatchJob, BatchStore, JobProgress } from './batch-store';

export interface StuckJobsReport {
  readonly open: number;
  /** Jobs whose submission died mid-fan-out, now fanned out. */
  readonly resumed: number;
  /** Jobs whose unfinished items were queued again. */
  readonly redriven: number;
  readonly closed: number;
}

/**
 * Finds batch jobs that stopped moving and moves them on (run by the recovery function): a job whose
 * fan-out lease ran out before every item was queued is resumed; a job whose count of finished items has
 * not changed, and none of whose items was attempted, for `stuckAfterMs` has its unfinished items queued
 * again from its stored slices (each item is done once, so re-driving finished work writes nothing); a job
 * with every outcome is closed.
 */
export async function sweepBatchJobs(deps: {
  store: BatchStore;
  resumeFanOut: (job: BatchJob) => Promise<boolean>;
  enqueueSlice: (slice: BatchSlice) => Promise<void>;
  stuckAfterMs: number;
  log: Logger;
  now?: () => number;
}): Promise<StuckJobsReport> {
  const now = deps.now ?? Date.now;
  const jobs = await deps.store.openJobs();
  let resumed = 0;
  let redriven = 0;
  let closed = 0;
  for (const job of jobs) {
    const log = deps.log.child({ jobId: job.jobId });
    if (!job.fannedOut) {
      if (job.fanOut !== undefined && Date.parse(job.fanOut.leaseUntil) > now()) continue;
      if (await deps.resumeFanOut(job)) {
        resumed += 1;
        log.warn('a batch job whose submission died before every item was queued is fanned out now');
      }
      continue;
    }
    const { succeeded, failed } = await deps.store.counts(job.jobId);
    const done = succeeded + failed;
    if (done >= job.total) {
      await deps.store.closeJob(job.jobId);
      closed += 1;
      continue;
    }
    const since = new Date(now()).toISOString();
    const record = (progress: JobProgress) => deps.store.recordProgress(job.jobId, progress, job.progress);
    const lastLook = job.progress?.checkedAt ?? job.progress?.since;
    // A count that did not move while nobody could look (the recovery function or Cosmos DB was down
    // too) says nothing: the job's own messages may still be waiting out that outage, so the clock restarts.
    const unseen = lastLook === undefined || now() - Date.parse(lastLook) >= deps.stuckAfterMs;
    if (job.progress?.done !== done || unseen) {
      await record({ done, since, checkedAt: since, redrives: job.progress?.redrives ?? 0 });
      continue;
    }
    // Items whose deliveries keep failing or being deferred (the model down or rate limited while Cosmos
    // DB is up) are still carried by their own messages: a copy now would run them twice.
    const attempted = await deps.store.lastAttemptAt(job.jobId);
    const lastMoved = Math.max(
      Date.parse(job.progress.since),
      attempted === undefined ? 0 : Date.parse(attempted),
    );
    if (now() - lastMoved < deps.stuckAfterMs) {
      await record({ ...job.progress, checkedAt: since });
      continue;
    }
    // The re-drive is recorded first: of two runs that overlap, only the one whose record lands queues the
    // items (should queueing then fail, the job is stuck again, and re-driven, a stuck time later).
    if (!(await record({ done, since, checkedAt: since, redrives: job.progress.redrives + 1 }))) continue;
    const finished = await deps.store.resultIndexes(job.jobId);
    let items = 0;
    for (const slice of await deps.store.getSlices(job.jobId, job.requestHash)) {
      const unfinished = slice.items.filter((item) => !finished.has(item.index));
      if (unfinished.length === 0) continue;
      await deps.enqueueSlice({ jobId: job.jobId, items: unfinished, deferrals: 0 });
      items += unfinished.length;
    }
    redriven += 1;
    log.warn('a batch job that stopped moving has its unfinished items queued again', {
      pending: job.total - done,
      requeued: items,
      stuckSinceMs: now() - Date.parse(job.progress.since),
    });
  }
  return { open: jobs.length, resumed, redriven, closed };
}
