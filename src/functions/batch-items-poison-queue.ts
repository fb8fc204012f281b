import { batchSliceSchema } from '../shared/batch/batch-messages';
import { hostQueueSettings } from '../shared/hosting/host-settings';
import { defineQueueFunction } from '../shared/hosting/queue-function';
import { poisonQueueOf, queueNames } from '../shared/storage-names';

/** batch-items-poison: records the items of a message the host gave up on as failed, with their last error. */
export const batchItemsPoisonQueue = defineQueueFunction({
  name: 'batch-items-poison',
  queueName: poisonQueueOf(queueNames.batchItems),
  handle: async (message, { services, log }) => {
    const slice = batchSliceSchema.safeParse(message);
    if (!slice.success) {
      log.error('unreadable message in batch-items-poison left as handled', {
        reason: slice.error.issues[0]?.message,
      });
      return;
    }
    await services.batchItems.recordPoisoned(slice.data, log, hostQueueSettings().maxDequeueCount);
  },
});
