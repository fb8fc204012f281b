import { defineHttpFunction } from '../shared/hosting/http-function';
import { completionsAnswerSchema } from '../shared/http/api-contract/completions-schemas';
import { completionsRequestBody } from '../shared/http/api-contract/request-schemas';
import { bodyErrors, jsonResponse, modelErrors } from '../shared/http/api-contract/responses';

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
  responses: {
    200: jsonResponse('The answer', completionsAnswerSchema),
    ...modelErrors,
    413: bodyErrors[413],
    415: bodyErrors[415],
  },
  handle: async ({ body }, { services }) => ({ jsonBody: await services.completions.complete(body) }),
});
