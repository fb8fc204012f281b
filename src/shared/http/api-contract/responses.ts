import type { ZodContentObject } from '@asteasolutions/zod-to-openapi';
import type * as z from 'zod';

import { errorBodySchema } from './error-schemas';
import { openAIErrorBodySchema } from './openai-response-schemas';

export const JSON_MEDIA_TYPE = 'application/json';
export const SSE_MEDIA_TYPE = 'text/event-stream';
/** JSON Lines, as the Microsoft AI Chat Protocol's spec names it for streamed answers. */
export const JSON_LINES_MEDIA_TYPE = 'application/jsonl';

/** Response headers every document names as components. */
export const headerComponents = {
  'X-Request-ID': {
    description: "The request's correlation id (the caller's, when sane, else a new UUID); on every response",
    schema: { type: 'string' },
    required: true,
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  Location: {
    description: 'The URL of the created resource',
    schema: { type: 'string' },
    required: true,
  },
} as const;

type HeaderName = keyof typeof headerComponents;
type HeaderRefs = Readonly<Record<string, { readonly $ref: string }>>;

/** One documented response: its headers are always references to `headerComponents`. */
export interface ApiResponse {
  readonly description: string;
  readonly headers?: HeaderRefs;
  readonly content?: ZodContentObject;
}

export const headerRefs = (...names: HeaderName[]): HeaderRefs =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

export function jsonResponse(description: string, schema: z.ZodType): ApiResponse {
  return { description, content: { [JSON_MEDIA_TYPE]: { schema } } };
}

/** Error responses whose body has this schema (the envelope, or a protocol's own error object). */
function errorResponseOf(schema: z.ZodType) {
  return (description: string, ...headers: HeaderName[]): ApiResponse => ({
    description,
    content: { [JSON_MEDIA_TYPE]: { schema } },
    ...(headers.length === 0 ? {} : { headers: headerRefs(...headers) }),
  });
}

export const errorResponse = errorResponseOf(errorBodySchema);

/** What `readJsonBody` answers for a body it cannot accept. */
export const bodyErrors = {
  400: errorResponse(
    'The body is not valid JSON (invalid_json) or breaks the schema (validation_error, zod issues in details)',
  ),
  413: errorResponse('The body is larger than HTTP_MAX_BODY_BYTES (default 1 MiB) (payload_too_large)'),
  415: errorResponse('The body is not application/json (unsupported_media_type)'),
} as const;

/** What a route that calls Azure OpenAI adds (model-errors.ts). */
export const modelErrors = {
  400: errorResponse(
    'The body is not valid JSON (invalid_json) or breaks the schema (validation_error), a model not in AZURE_OPENAI_ALLOWED_DEPLOYMENTS (model_not_allowed), the content filter (content_filter), or a prompt over CHAT_MAX_PROMPT_TOKENS (prompt_too_long)',
  ),
  502: errorResponse(
    'Azure OpenAI is misconfigured or answered unreadably (model_auth_failed, model_forbidden, model_deployment_not_found, ...)',
  ),
  503: errorResponse(
    'The model is busy or down after the retry budget (model_busy, model_unavailable)',
    'Retry-After',
  ),
  504: errorResponse('The model did not answer within AZURE_OPENAI_TIMEOUT_MS'),
} as const;

export const storageErrors = {
  502: errorResponse(
    "Cosmos DB or the storage queue refused the request (storage_rejected, queue_rejected) or the app's access (storage_access_denied, queue_error), or answered an unexpected error (storage_error)",
  ),
  503: errorResponse('Cosmos DB or storage is unavailable; retry shortly', 'Retry-After'),
} as const;

export const unauthorized = errorResponse(
  'No valid caller for AUTH_MODE (unauthorized); details[0].code says why (missing_token, token_expired, no_expiry, wrong_audience, client_not_allowed, no_user_id, ...)',
);

export const forbidden = errorResponse(
  'A valid caller without a scope or role AUTH_JWT_REQUIRED_SCOPES / AUTH_JWT_REQUIRED_ROLES ask for (missing_scope, missing_role), or without AUTH_ADMIN_ROLE on an admin route (admin_only) (forbidden)',
);

export const otherErrors = errorResponse(
  'Any other failure; 500 is masked as internal_error (the log has the cause)',
);

/** An id route's 404: unknown, malformed and another user's ids are all the same answer. */
export const notFound = (what: string) =>
  errorResponse(`No such ${what} for this caller: unknown, malformed or another user's (not_found)`);

export const invalidPaging = errorResponse(
  'pageSize is not 1-100 (validation_error) or the continuation token was not issued by this API (invalid_continuation_token)',
);

/** What a chat turn (JSON, Server-Sent Events or JSON Lines) may answer besides its 200. */
export const chatTurnErrors = {
  ...modelErrors,
  404: notFound('conversation (conversationId or sessionState.conversationId)'),
  413: bodyErrors[413],
  415: bodyErrors[415],
  503: errorResponse(
    'The model is busy or down after the retry budget (model_busy, model_unavailable), or Cosmos DB is unavailable (storage_unavailable)',
    'Retry-After',
  ),
} as const;

const openAIError = errorResponseOf(openAIErrorBodySchema);

/** What an OpenAI-compatible chat completion may answer besides its 200, each as an OpenAI error object. */
export const openAIErrorResponses = {
  400: openAIError(
    'The body is not valid JSON or breaks the schema (validation_error, param names the field), or the content filter',
  ),
  404: openAIError(
    "`model` is not a deployment of GET /api/openai/v1/models (model_not_found), or X-Conversation-Id names another user's conversation",
  ),
  413: openAIError('The body is larger than HTTP_MAX_BODY_BYTES (payload_too_large)'),
  415: openAIError('The body is not application/json (unsupported_media_type)'),
  502: openAIError('Azure OpenAI is misconfigured or answered unreadably'),
  503: openAIError(
    'The model is busy or down after the retry budget (model_busy, model_unavailable), or Cosmos DB is unavailable',
    'Retry-After',
  ),
  504: openAIError('The model did not answer within AZURE_OPENAI_TIMEOUT_MS'),
  429: openAIError(
    'A per-user quota is used up (quota_exceeded); Retry-After says when it resets',
    'Retry-After',
  ),
};

/** What a route that counts against a per-user quota may answer (QUOTA_*). */
export const quotaErrors = {
  429: errorResponse(
    'A per-user quota is used up (quota_exceeded; details[0].code names it: requests_per_minute, tokens_per_day, batch_items_per_day, concurrent_batch_jobs, connector_runs_per_day); Retry-After says when it resets',
    'Retry-After',
  ),
} as const;
