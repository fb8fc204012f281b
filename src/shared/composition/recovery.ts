import { sweepBatchJobs } from '../batch/stuck-jobs';
import { createQueueInspector } from '../queues/queue-inspector';
import { createRecoveryService } from '../recovery/recovery-service';
import { redrivePoisonQueues } from '../recovery/redrive-poison';
import { queueNames } from '../storage-names';
import type { createBatch } from './batch';
import type { Platform } from './platform';
import type { Storage } from './storage';

/** The recovery timer's work: poison queues re-driven once their cause has passed, stuck batch jobs moved on. */
export function createRecovery(
  { config }: Platform,
  storage: Storage,
  batch: ReturnType<typeof createBatch>,
) {
  const inspector = createQueueInspector(storage.queueService);
  return createRecoveryService({
    redrivePoison: (log) =>
      redrivePoisonQueues({
        inspector,
        send: (queue, payload) => storage.sendToQueue(queue, payload),
        all: Object.values(queueNames),
        // batch-items-poison has its own function (it records the items as failed): nothing waits there.
        undrained: [queueNames.historyWrites, queueNames.batchJobs],
        afterMs: config.POISON_REDRIVE_AFTER_SECONDS * 1000,
        maxRedrives: config.POISON_MAX_REDRIVES,
        // What the history and batch-job messages need: the Cosmos DB account answers.
        dependenciesUp: async () => {
          await (await storage.cosmos()).getDatabaseAccount();
          return true;
        },
        log,
      }),
    sweepJobs: (log) =>
      sweepBatchJobs({
        store: batch.store,
        resumeFanOut: (job) => batch.batch.resumeFanOut(job),
        enqueueSlice: (slice) => batch.sendSlice(slice),
        stuckAfterMs: config.BATCH_STUCK_AFTER_SECONDS * 1000,
        log,
      }),
  });
}
