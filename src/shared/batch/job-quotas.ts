import type { Caller } from '../identity/caller';
import type { QuotaMeter } from '../quota/quota-meter';
import type { BatchStore } from './batch-store';

// A slot taken for a job whose document is not there yet is a submission in progress, not a leak.
const SUBMITTING_MS = 60_000;
// A job never fanned out this long after it was created was abandoned by its submitter.
const ABANDONED_MS = 10 * 60_000;

/**
 * The batch quotas of a job: its items count against `batch_items_per_day` (a job larger than what is
 * left is refused whole) and it takes one `concurrent_batch_jobs` slot until its last item has an
 * outcome. The worker that writes the last outcome releases the slot; if that never happens (it died
 * in between), the next submission that finds the gauge full checks each holder's job and drops the
 * ones that are done or abandoned, so a slot cannot leak for good.
 */
export function createJobQuotas(store: BatchStore, quotas: QuotaMeter) {
  const stillActive = async (jobId: string, heldAt: string): Promise<boolean> => {
    const job = await store.getJob(jobId);
    if (job === undefined) return Date.now() - Date.parse(heldAt) < SUBMITTING_MS;
    if (!job.fannedOut && Date.now() - Date.parse(job.createdAt) > ABANDONED_MS) return false;
    const { succeeded, failed } = await store.counts(jobId);
    return succeeded + failed < job.total;
  };

  return {
    admit: async (owner: Caller, jobId: string, items: number): Promise<void> => {
      await quotas.hold(owner, 'concurrent_batch_jobs', jobId, stillActive);
      try {
        await quotas.consume(owner, 'batch_items_per_day', items);
      } catch (error) {
        await quotas.release(owner.userId, 'concurrent_batch_jobs', jobId);
        throw error;
      }
    },

    /** Frees the job's slot once every item has an outcome (called after each slice). */
    release: async (jobId: string): Promise<void> => {
      const job = await store.getJob(jobId);
      if (job === undefined) return;
      const { succeeded, failed } = await store.counts(jobId);
      if (succeeded + failed >= job.total) await quotas.release(job.userId, 'concurrent_batch_jobs', jobId);
    },
  };
}
