import { z } from 'zod';

import { batchJobRequestSchema } from '../shared/batch/batch-messages';
import { ValidationError } from '../shared/errors';
import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readJsonBody } from '../shared/http/read-json-body';

const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 visible ASCII characters');

/** POST /api/batch-jobs: accepts a job once every item is queued; 202 with Location. */
export const batchJobsPost = defineHttpFunction({
  name: 'batch-jobs-post',
  route: 'batch-jobs',
  methods: ['POST'],
  handle: async (request, { services, caller }) => {
    const { config } = services;
    const key = request.headers.get('idempotency-key');
    const parsedKey = key === null ? undefined : idempotencyKey.safeParse(key);
    if (parsedKey?.success === false) {
      throw new ValidationError('The Idempotency-Key header is invalid', [
        { path: 'Idempotency-Key', message: 'must be 1-200 visible ASCII characters' },
      ]);
    }
    const schema = batchJobRequestSchema({
      maxItems: config.BATCH_MAX_ITEMS,
      maxItemChars: config.BATCH_MAX_ITEM_CHARS,
    });
    const body = await readJsonBody(request, schema, config.BATCH_MAX_BODY_BYTES);
    const job = await services.batch.submit(
      caller,
      body,
      parsedKey?.success === true ? { idempotencyKey: parsedKey.data } : {},
    );
    return {
      status: 202,
      headers: { Location: `/api/batch-jobs/${job.jobId}` },
      jsonBody: { jobId: job.jobId, status: job.status, total: job.total },
    };
  },
});
