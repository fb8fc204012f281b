import { createBatchItemsWorker } from '../batch/batch-items-worker';
import { createBatchService } from '../batch/batch-service';
import { createCosmosBatchStore } from '../batch/cosmos-batch-store';
import { createJobQuotas } from '../batch/job-quotas';
import type { QuotaMeter } from '../quota/quota-meter';
import { queueNames } from '../storage-names';
import type { History } from './history';
import type { Models } from './model';
import type { Platform } from './platform';
import type { Storage } from './storage';

/** Batch jobs: submitting and reading them (HTTP, batch-jobs), and the batch-items worker. */
export function createBatch(
  { config }: Platform,
  storage: Storage,
  models: Models,
  history: History,
  quotas: QuotaMeter,
) {
  const store = createCosmosBatchStore(() => storage.containers('batch'));
  const jobQuotas = createJobQuotas(store, quotas);
  const sendSlice = (slice: unknown, delayMs?: number) =>
    storage.sendToQueue(queueNames.batchItems, slice, delayMs === undefined ? {} : { delayMs });
  return {
    store,
    sendSlice,
    batch: createBatchService({
      store,
      enqueueSlice: (slice, delayMs) => sendSlice(slice, delayMs),
      fanOutLeaseMs: config.BATCH_FAN_OUT_LEASE_SECONDS * 1000,
      admitJob: jobQuotas.admit,
    }),
    batchItems: createBatchItemsWorker({
      store,
      history: history.store,
      model: models.batch,
      maxConcurrency: config.BATCH_MAX_CONCURRENCY,
      maxDeferrals: config.BATCH_MAX_DEFERRALS,
      maxCompletionTokens: config.CHAT_MAX_COMPLETION_TOKENS,
      requeue: (slice, delayMs) => sendSlice(slice, delayMs),
      onJobDone: jobQuotas.release,
    }),
  };
}
