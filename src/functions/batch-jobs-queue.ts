import { batchJobMessageSchema } from '../shared/batch/batch-messages';
import { ensureError } from '../shared/errors';
import { defineQueueFunction } from '../shared/hosting/queue-function';
import { nestsDeeperThan } from '../shared/http/json-depth';
import { poisonQueueOf, queueNames } from '../shared/storage-names';

/**
 * batch-jobs: jobs from producers that are not HTTP clients (writing to the queue already needs the storage
 * role, so the owner's user id is trusted). A message that can never be valid goes straight to
 * batch-jobs-poison with its reason logged, instead of being retried for nothing.
 */
export const batchJobsQueue = defineQueueFunction({
  name: 'batch-jobs',
  queueName: queueNames.batchJobs,
  handle: async (message, { services, log }) => {
    const { config } = services;
    // A message nested too deeply would overflow the stack while being checked: it is invalid as it is.
    const parsed = nestsDeeperThan(message)
      ? undefined
      : batchJobMessageSchema({
          maxItems: config.BATCH_MAX_ITEMS,
          maxItemChars: config.BATCH_MAX_ITEM_CHARS,
        }).safeParse(message);
    let reason: string | undefined;
    if (parsed?.success === true) {
      try {
        const { userId, jobId, ...request } = parsed.data;
        const job = await services.batch.submit({ userId }, request, jobId === undefined ? {} : { jobId });
        log.info('queued batch job accepted', { jobId: job.jobId, total: job.total, created: job.created });
        return;
      } catch (error) {
        const failure = ensureError(error);
        if (!('status' in failure) || failure.status !== 400) throw error; // may pass: let the queue retry
        reason = failure.message;
      }
    } else if (parsed === undefined) {
      reason = 'the message is nested too deeply';
    } else {
      reason = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    }
    await services.sendToQueue(poisonQueueOf(queueNames.batchJobs), message);
    log.error('invalid batch job message moved to batch-jobs-poison', { reason: reason.slice(0, 1000) });
  },
});
