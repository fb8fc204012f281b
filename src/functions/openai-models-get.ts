import { defineHttpFunction } from '../shared/hosting/http-function';
import { modelListSchema } from '../shared/http/api-contract/openai-response-schemas';
import { jsonResponse } from '../shared/http/api-contract/responses';
import { openAIErrorFormat } from '../shared/http/openai-errors';
import { toModelList } from '../shared/http/openai-response';

/**
 * GET /api/openai/v1/models: OpenAI's model list, holding the deployments a chat completion may name as
 * `model` (the default deployment first, then AZURE_OPENAI_ALLOWED_DEPLOYMENTS).
 */
export const openAIModelsGet = defineHttpFunction({
  name: 'openai-models',
  route: 'openai/v1/models',
  methods: ['GET'],
  tag: 'openai',
  summary: 'The deployments a chat completion may name as its model, as an OpenAI model list',
  errorFormat: openAIErrorFormat,
  responses: { 200: jsonResponse('One model per deployment', modelListSchema) },
  handle: (_input, { services }) => Promise.resolve({ jsonBody: toModelList(services.chat.deployments()) }),
});
