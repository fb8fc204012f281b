import type { IncomingHttpHeaders } from 'node:http';

import { contentFilterResults } from './content-filter';
import type { Reply } from './http-io';

/**
 * An `api-key` header decides when present (it must equal the configured key, if any); otherwise any
 * non-empty bearer token passes, standing in for an Entra token.
 */
export function isAuthorized(headers: IncomingHttpHeaders, apiKey: string | undefined): boolean {
  const key = headers['api-key'];
  if (typeof key === 'string') return key.length > 0 && (apiKey === undefined || key === apiKey);
  return /^Bearer\s+\S/i.test(headers.authorization ?? '');
}

function error(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: { error: body } };
}

export function unauthorized(): Reply {
  return error(401, {
    code: '401',
    message:
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  });
}

export function resourceNotFound(): Reply {
  return error(404, { code: '404', message: 'Resource not found' });
}

export function deploymentNotFound(): Reply {
  return error(404, {
    code: 'DeploymentNotFound',
    message:
      'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  });
}

/** `param` and `type` follow OpenAI's validation errors, which Azure passes through. */
export function badRequest(message: string, param?: string): Reply {
  return error(400, {
    code: 'BadRequest',
    message,
    ...(param === undefined ? {} : { param, type: 'invalid_request_error' }),
  });
}

export function internalServerError(): Reply {
  return error(500, INTERNAL_SERVER_ERROR);
}

export const INTERNAL_SERVER_ERROR = {
  code: 'InternalServerError',
  message: 'The server had an error while processing your request. Sorry about that!',
};

function rateLimitMessage(apiVersion: string, limit: 'call' | 'token', seconds: number): string {
  return `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${apiVersion} have exceeded ${limit} rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`;
}

export function rateLimited(apiVersion: string, limit: 'call' | 'token', retryAfterMs: number): Reply {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return error(
    429,
    { code: '429', message: rateLimitMessage(apiVersion, limit, seconds) },
    {
      'retry-after': String(seconds),
      'retry-after-ms': String(Math.ceil(retryAfterMs)),
    },
  );
}

/** What some Azure front ends send: whole seconds only, no retry-after-ms. */
export function rateLimitedInSeconds(apiVersion: string, seconds: number): Reply {
  return error(
    429,
    { code: '429', message: rateLimitMessage(apiVersion, 'token', seconds) },
    { 'retry-after': String(seconds) },
  );
}

/** OpenAI's validation errors, which Azure passes through: a `param`, a `code`, and no `status`. */
function invalidRequest(message: string, param: string, code: string | null): Reply {
  return error(400, { message, type: 'invalid_request_error', param, code });
}

export function unsupportedParameter(param: string, instead?: string): Reply {
  const hint = instead === undefined ? '' : ` Use '${instead}' instead.`;
  return invalidRequest(
    `Unsupported parameter: '${param}' is not supported with this model.${hint}`,
    param,
    'unsupported_parameter',
  );
}

export function unsupportedSamplingValue(param: 'temperature' | 'top_p', value: number): Reply {
  return invalidRequest(
    `Unsupported value: '${param}' does not support ${value} with this model. Only the default (1) value is supported.`,
    param,
    'unsupported_value',
  );
}

export function unsupportedEffort(value: string, supported: readonly string[]): Reply {
  const list = supported.map((effort) => `'${effort}'`);
  const spoken = `${list.slice(0, -1).join(', ')}, and ${list.at(-1) ?? ''}`;
  return invalidRequest(
    `Unsupported value: 'reasoning_effort' does not support '${value}' with this model. Supported values are: ${spoken}.`,
    'reasoning_effort',
    'unsupported_value',
  );
}

/** GPT-5.2 and later on chat completions: function tools only with reasoning effort none. */
export function toolsWithReasoningEffort(modelName: string, path: string): Reply {
  return invalidRequest(
    `Function tools with reasoning_effort are not supported for ${modelName} in ${path}. To use function tools, use /v1/responses or set reasoning_effort to 'none'.`,
    'reasoning_effort',
    null,
  );
}

/** A model on the classic path with an api-version older than it needs (Azure's wording, as for o1). */
export function apiVersionTooOld(modelName: string, minimum: string): Reply {
  return error(400, {
    code: 'BadRequest',
    message: `Model ${modelName} is enabled only for api versions ${minimum} and later`,
  });
}

/** Structured outputs refuse a strict function whose schema is outside the supported subset. */
export function invalidStrictSchema(functionName: string, index: number, problem: string): Reply {
  return invalidRequest(
    `Invalid schema for function '${functionName}': ${problem}`,
    `tools[${index}].function.parameters`,
    'invalid_function_parameters',
  );
}

export function contentFiltered(): Reply {
  return error(400, {
    code: 'content_filter',
    status: 400,
    param: 'prompt',
    message:
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
    innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: contentFilterResults('hate') },
  });
}
