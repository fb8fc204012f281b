import { defineHttpFunction } from '../shared/hosting/http-function';
import { completionsAnswerSchema } from '../shared/http/api-contract/completions-schemas';
import { completionsRequestBody } from '../shared/http/api-contract/request-schemas';
import { bodyErrors, jsonResponse, modelErrors, quotaErrors } from '../shared/http/api-contract/responses';

/**
 * POST /api/completions: one prompt, one answer, with the character and token counts of both (the
 * classic completions API single-page apps were built against).
 */
export const completionsPost = defineHttpFunction({
  name: 'completions',
  route: 'completions',
  methods: ['POST'],
  tag: 'chat',
  summary: 'One prompt, one answer, with character and token counts',
  request: { body: completionsRequestBody },
  quota: 'requests_per_minute',
  responses: {
    200: jsonResponse('The answer', completionsAnswerSchema),
    ...modelErrors,
    ...quotaErrors,
    413: bodyErrors[413],
    415: bodyErrors[415],
  },
  handle: async ({ body }, { services, caller, signal }) => ({
    jsonBody: await services.completions.complete(caller, body, signal),
  }),
});
