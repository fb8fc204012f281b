import { openAIErrorBodySchema } from './api-contract/openai-response-schemas';
import { type ErrorFormat, toErrorFacts } from './error-response';

/** OpenAI's error `type` for a status: what its clients and their retry logic expect. */
function typeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * Errors of the OpenAI-compatible routes in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`,
 * with the status and headers (Retry-After, X-Request-ID) every route gives. `code` is this API's code,
 * `param` the first offending field; a deployment outside the allowlist is OpenAI's 404 `model_not_found`.
 */
export const openAIErrorFormat: ErrorFormat = {
  schema: openAIErrorBodySchema,
  toResponse: (error) => {
    const facts = toErrorFacts(error);
    const unknownModel = facts.code === 'model_not_allowed';
    const status = unknownModel ? 404 : facts.status;
    const param = facts.details?.find((detail) => detail.path !== undefined && detail.path !== '')?.path;
    return {
      status,
      headers: { ...facts.headers },
      jsonBody: {
        error: {
          message: unknownModel
            ? `${facts.message}: GET /api/openai/v1/models lists the deployments a request may name`
            : facts.message,
          type: typeOf(status),
          param: param ?? null,
          code: unknownModel ? 'model_not_found' : facts.code,
        },
      },
    };
  },
};
