import { batchSliceSchema } from '../shared/batch/batch-messages';
import { ValidationError } from '../shared/errors';
import { defineQueueFunction } from '../shared/hosting/queue-function';
import { queueNames } from '../shared/storage-names';

/**
 * batch-items: one slice of a job's items; each item's outcome is written exactly once. A failure that may
 * pass (the model or Cosmos DB down) fails the delivery, and the redelivery skips the items already done;
 * a message that is not a slice goes to batch-items-poison at once.
 */
export const batchItemsQueue = defineQueueFunction({
  name: 'batch-items',
  queueName: queueNames.batchItems,
  messageName: 'batch-items',
  handle: async (message, { services, log }) => {
    const slice = batchSliceSchema.safeParse(message);
    if (!slice.success)
      throw new ValidationError(`not a batch-items message: ${slice.error.issues[0]?.message ?? 'invalid'}`);
    await services.batchItems.process(slice.data, log.child({ jobId: slice.data.jobId }));
  },
});
