import { batchJobMessageSchema } from '../shared/batch/batch-messages';
import { ValidationError } from '../shared/errors';
import { defineQueueFunction } from '../shared/hosting/queue-function';
import { nestsDeeperThan } from '../shared/http/json-depth';
import { queueNames } from '../shared/storage-names';

/**
 * batch-jobs: jobs from producers that are not HTTP clients (writing to the queue already needs the storage
 * role, so the owner's user id is trusted). A message that can never be valid, or names a job id already
 * used for another submission, goes straight to batch-jobs-poison with its reason logged.
 */
export const batchJobsQueue = defineQueueFunction({
  name: 'batch-jobs',
  queueName: queueNames.batchJobs,
  messageName: 'batch job',
  handle: async (message, { services, log }) => {
    const { config } = services;
    // A message nested too deeply would overflow the stack while being checked: it is invalid as it is.
    if (nestsDeeperThan(message)) throw new ValidationError('the message is nested too deeply');
    const parsed = batchJobMessageSchema({
      maxItems: config.BATCH_MAX_ITEMS,
      maxItemChars: config.BATCH_MAX_ITEM_CHARS,
    }).safeParse(message);
    if (!parsed.success) {
      throw new ValidationError(
        parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      );
    }
    const { userId, jobId, ...request } = parsed.data;
    const job = await services.batch.submit(
      { userId, roles: [] },
      request,
      jobId === undefined ? {} : { jobId },
    );
    log.info('queued batch job accepted', { jobId: job.jobId, total: job.total, created: job.created });
  },
});
