import { defineHttpFunction } from '../shared/hosting/http-function';
import { batchResultsPageSchema } from '../shared/http/api-contract/batch-schemas';
import { idPathParams, pagingQuery, toPage } from '../shared/http/api-contract/request-schemas';
import { invalidPaging, jsonResponse, notFound, storageErrors } from '../shared/http/api-contract/responses';

/** GET /api/batch-jobs/{id}/results: item outcomes in index order, a page at a time. */
export const batchJobsResultsGet = defineHttpFunction({
  name: 'batch-jobs-results-get',
  route: 'batch-jobs/{id}/results',
  methods: ['GET'],
  tag: 'batch',
  summary: "A batch job's finished items in index order, a page at a time",
  request: { params: idPathParams, query: pagingQuery },
  responses: {
    200: jsonResponse('A page of item results', batchResultsPageSchema),
    400: invalidPaging,
    404: notFound('batch job'),
    ...storageErrors,
  },
  handle: async ({ params, query }, { services, caller }) => ({
    jsonBody: await services.batch.results(caller, params.id, toPage(query)),
  }),
});
