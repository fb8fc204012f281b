import type { Logger } from '../logging/logger';
import type { BatchSlice } from './batch-messages';
import type { BatchStore } from './batch-store';

/**
 * A batch-items message the host gave up on (batch-items-poison): each of its items without a result is
 * recorded as failed with its last error, so the job still completes and nothing disappears silently.
 */
export async function recordPoisoned(
  slice: { jobId: string; items: BatchSlice['items'] },
  deps: { store: BatchStore; maxDequeueCount: number; log: Logger },
): Promise<number> {
  let recorded = 0;
  for (const item of slice.items) {
    if (await deps.store.hasResult(slice.jobId, item.index)) continue;
    const last = (await deps.store.lastAttemptError(slice.jobId, item.index)) ?? 'no error was recorded';
    const written = await deps.store.saveResult(slice.jobId, {
      index: item.index,
      input: item.input,
      error: `failed after ${deps.maxDequeueCount} deliveries: ${last}`,
      completedAt: new Date().toISOString(),
    });
    if (written === 'created') recorded += 1;
  }
  deps.log.warn('poisoned batch items recorded as failed', { jobId: slice.jobId, recorded });
  return recorded;
}
