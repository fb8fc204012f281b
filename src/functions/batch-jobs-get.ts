import { defineHttpFunction } from '../shared/hosting/function-definition';
import { idParam } from '../shared/http/route-params';

/** GET /api/batch-jobs/{id}: the job's progress, derived from its results. */
export const batchJobsGet = defineHttpFunction({
  name: 'batch-jobs-get',
  route: 'batch-jobs/{id}',
  methods: ['GET'],
  handle: async (request, { services, caller }) => ({
    jsonBody: await services.batch.status(caller, idParam(request, 'id')),
  }),
});
