import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readPaging } from '../shared/http/paging-query';
import { idParam } from '../shared/http/route-params';

/** GET /api/batch-jobs/{id}/results: item outcomes in index order, a page at a time. */
export const batchJobsResultsGet = defineHttpFunction({
  name: 'batch-jobs-results-get',
  route: 'batch-jobs/{id}/results',
  methods: ['GET'],
  handle: async (request, { services, caller }) => ({
    jsonBody: await services.batch.results(caller, idParam(request, 'id'), readPaging(request)),
  }),
});
