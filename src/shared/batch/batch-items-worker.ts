import type { HistoryStore } from '../history/history-store';
import type { Logger } from '../logging/logger';
import type { ChatModel } from '../model/chat-model';
import { AdaptiveLimiter } from './adaptive-limiter';
import type { BatchSlice } from './batch-messages';
import type { BatchStore } from './batch-store';
import { processSlice } from './process-slice';
import { recordPoisoned } from './record-poisoned';
import { createValidatorCache } from './validator-cache';

type Slice = Parameters<typeof processSlice>[0];

export interface BatchItemsWorker {
  /** Processes one batch-items message: each item's outcome is written once. */
  process(slice: Slice, log: Logger): Promise<void>;
  /** Records the items of a message the host gave up on as failed, with their last error. */
  recordPoisoned(slice: Slice, log: Logger, maxDequeueCount: number): Promise<number>;
}

/**
 * The batch-items worker of a process: one adaptive limiter and one validator cache shared by every
 * invocation, so concurrent slices share the quota.
 *
 * @example
 * const worker = createBatchItemsWorker({ store, history, model, maxConcurrency: 32, maxDeferrals: 30, maxCompletionTokens: 2048, requeue });
 * await worker.process(slice, log);
 */
export function createBatchItemsWorker(deps: {
  store: BatchStore;
  history: HistoryStore;
  /** A model client without retries of its own. */
  model: ChatModel;
  maxConcurrency: number;
  maxDeferrals: number;
  /** max_completion_tokens of each extraction call (CHAT_MAX_COMPLETION_TOKENS). */
  maxCompletionTokens: number;
  /** Puts items back on the batch-items queue, invisible for `delayMs`. */
  requeue: (slice: BatchSlice, delayMs: number) => Promise<void>;
  /** Told after each slice that wrote outcomes: frees the job's quota slot once it is complete. */
  onJobDone?: (jobId: string) => Promise<void>;
}): BatchItemsWorker {
  const limiter = new AdaptiveLimiter({ initial: 4, max: deps.maxConcurrency });
  const validatorFor = createValidatorCache();
  // Releasing the quota slot must not fail the delivery: the next submission repairs a slot left behind.
  const jobDone = async (jobId: string, log: Logger) => {
    try {
      await deps.onJobDone?.(jobId);
    } catch (error) {
      log.warn('the job quota slot could not be released yet', { jobId, error: String(error) });
    }
  };
  return {
    async process(slice, log) {
      await processSlice(slice, {
        store: deps.store,
        history: deps.history,
        model: deps.model,
        limiter,
        validatorFor,
        requeue: deps.requeue,
        maxDeferrals: deps.maxDeferrals,
        maxCompletionTokens: deps.maxCompletionTokens,
        log,
      });
      await jobDone(slice.jobId, log);
    },
    async recordPoisoned(slice, log, maxDequeueCount) {
      const recorded = await recordPoisoned(slice, { store: deps.store, maxDequeueCount, log });
      await jobDone(slice.jobId, log);
      return recorded;
    },
  };
}
