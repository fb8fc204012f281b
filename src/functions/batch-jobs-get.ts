import { defineHttpFunction } from '../shared/hosting/http-function';
import { jobStatusSchema } from '../shared/http/api-contract/batch-schemas';
import { idPathParams } from '../shared/http/api-contract/request-schemas';
import { jsonResponse, notFound, storageErrors } from '../shared/http/api-contract/responses';

/** GET /api/batch-jobs/{id}: the job's progress, derived from its results. */
export const batchJobsGet = defineHttpFunction({
  name: 'batch-jobs-get',
  route: 'batch-jobs/{id}',
  methods: ['GET'],
  tag: 'batch',
  summary: "A batch job's progress",
  request: { params: idPathParams },
  responses: {
    200: jsonResponse('The job status', jobStatusSchema),
    404: notFound('batch job'),
    ...storageErrors,
  },
  handle: async ({ params }, { services, caller }) => ({
    jsonBody: await services.batch.status(caller, params.id),
  }),
});
