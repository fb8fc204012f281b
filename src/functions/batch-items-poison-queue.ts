import { batchSliceSchema } from '../shared/batch/batch-messages';
import { ValidationError } from '../shared/errors';
import { hostQueueSettings } from '../shared/hosting/host-settings';
import { defineQueueFunction } from '../shared/hosting/queue-function';
import { poisonQueueOf, queueNames } from '../shared/storage-names';

/**
 * batch-items-poison: the slices the host gave up on. Each of their items without a result is recorded as
 * failed with its last error, so the job still completes and nothing disappears silently. As on every poison
 * queue, an unreadable message is logged with a redacted excerpt and dropped, never moved on to a
 * batch-items-poison-poison queue nobody reads.
 */
export const batchItemsPoisonQueue = defineQueueFunction({
  name: 'batch-items-poison',
  queueName: poisonQueueOf(queueNames.batchItems),
  messageName: 'batch-items',
  handle: async (message, { services, log }) => {
    const slice = batchSliceSchema.safeParse(message);
    if (!slice.success)
      throw new ValidationError(`not a batch-items message: ${slice.error.issues[0]?.message ?? 'invalid'}`);
    await services.batchItems.recordPoisoned(slice.data, log, hostQueueSettings().maxDequeueCount);
  },
});
