import type { AppConfig } from '../shared/config/settings';
import { defineHttpFunction } from '../shared/hosting/http-function';
import { batchJobAcceptedSchema } from '../shared/http/api-contract/batch-schemas';
import { batchJobRequestBody, idempotencyHeaders } from '../shared/http/api-contract/request-schemas';
import {
  bodyErrors,
  errorResponse,
  headerRefs,
  jsonResponse,
  quotaErrors,
  storageErrors,
} from '../shared/http/api-contract/responses';

/** POST /api/batch-jobs: accepts a job once every item is queued; 202 with Location. */
export const batchJobsPost = defineHttpFunction({
  name: 'batch-jobs-post',
  route: 'batch-jobs',
  methods: ['POST'],
  tag: 'batch',
  summary: 'Submits a batch job: each item is extracted into JSON that conforms to the schema',
  description:
    'Accepted (202) once every item is queued. Repeating a submission with the same Idempotency-Key and body finds the same job.',
  request: {
    headers: idempotencyHeaders,
    body: batchJobRequestBody,
    maxBodyBytes: (config: AppConfig) => config.BATCH_MAX_BODY_BYTES,
  },
  responses: {
    202: { ...jsonResponse('Accepted', batchJobAcceptedSchema), headers: headerRefs('Location') },
    400: errorResponse(
      'The body is not valid JSON (invalid_json), breaks the schema (validation_error), its schema is not a usable JSON Schema (invalid_schema), or the Idempotency-Key is malformed',
    ),
    409: errorResponse('The Idempotency-Key (or job id) was used for a different submission (conflict)'),
    413: errorResponse('The body is larger than BATCH_MAX_BODY_BYTES (default 10 MiB) (payload_too_large)'),
    415: bodyErrors[415],
    ...quotaErrors,
    ...storageErrors,
  },
  handle: async ({ headers, body }, { services, caller }) => {
    const key = headers['Idempotency-Key'];
    const job = await services.batch.submit(caller, body, key === undefined ? {} : { idempotencyKey: key });
    return {
      status: 202,
      headers: { Location: `/api/batch-jobs/${job.jobId}` },
      jsonBody: { jobId: job.jobId, status: job.status, total: job.total },
    };
  },
});
