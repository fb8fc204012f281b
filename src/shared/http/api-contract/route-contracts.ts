import { z } from 'zod';

import { batchJobAcceptedSchema, batchResultsPageSchema, jobStatusSchema } from './batch-schemas';
import { chatResponseSchema } from './chat-schemas';
import { completionsAnswerSchema } from './completions-schemas';
import { configInfoSchema } from './config-schemas';
import { connectorRunReportSchema } from './connector-schemas';
import { conversationDetailSchema, conversationPageSchema } from './conversation-schemas';
import { healthReportSchema } from './health-schemas';
import {
  batchJobRequestBody,
  chatRequestBody,
  completionsRequestBody,
  connectorRequestBody,
  healthQuery,
  idempotencyHeaders,
  idPathParams,
  pagingQuery,
} from './request-schemas';
import {
  type ApiResponse,
  bodyErrors,
  errorResponse,
  headerRefs,
  JSON_MEDIA_TYPE,
  jsonResponse,
  modelErrors,
  NDJSON_MEDIA_TYPE,
  SSE_MEDIA_TYPE,
  storageErrors,
} from './responses';
import { chatProtocolLineSchema, chatStreamEventSchema } from './stream-schemas';

/**
 * What the document says about one HTTP function. The path and methods come from the function's own
 * definition; 401 (unless anonymous), the X-Request-ID header and the `default` error are added to every
 * operation by `buildOpenApiDocument`.
 */
export interface RouteContract {
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'chat' | 'conversations' | 'batch' | 'connectors' | 'operations';
  /** Served without a caller identity, whatever AUTH_MODE says (`anonymous: true` in its definition). */
  readonly anonymous?: true;
  /** One property per `{name}` of the route. */
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  /** An application/json body, read with `readJsonBody` (so 400, 413 and 415 apply). */
  readonly body?: z.ZodType;
  readonly responses: Readonly<Record<number, ApiResponse>>;
}

const notFound = (what: string) =>
  errorResponse(`No such ${what} for this caller: unknown, malformed or another user's (not_found)`);
const invalidPaging = errorResponse(
  'pageSize is not 1-100 (validation_error) or the continuation token was not issued by this API (invalid_continuation_token)',
);

const openApiDocumentSchema = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OpenApiDocument', description: 'This OpenAPI 3.1 document' });

/** One entry per HTTP function, by function name. A function without an entry fails the document. */
export const routeContracts: Readonly<Record<string, RouteContract>> = {
  health: {
    tag: 'operations',
    summary: 'Liveness, and with deep=true the status and latency of each dependency',
    anonymous: true,
    query: healthQuery,
    responses: {
      200: jsonResponse('Healthy', healthReportSchema),
      503: jsonResponse('A dependency failed a deep check (the same report)', healthReportSchema),
    },
  },
  openapi: {
    tag: 'operations',
    summary: 'This document',
    anonymous: true,
    responses: { 200: jsonResponse('The OpenAPI 3.1 document of this API', openApiDocumentSchema) },
  },
  'config-info': {
    tag: 'operations',
    summary: "Each setting's value and source; secrets only as set or not",
    responses: { 200: jsonResponse('One entry per setting', configInfoSchema) },
  },
  chat: {
    tag: 'chat',
    summary: 'One chat turn with tools, as JSON or as Server-Sent Events',
    description:
      'Answers JSON, or text/event-stream when the body has `"stream": true` or the request sends `Accept: text/event-stream`. ' +
      'A stream is one `data: <ChatStreamEvent JSON>` event per piece: metadata first, then tool_call, tool_result and chunk events as they happen, and done (or error) last. ' +
      'A failure before the stream starts is an ordinary error response.',
    body: chatRequestBody,
    responses: {
      200: {
        description:
          'The answer. As text/event-stream, each `data:` line of the body carries one ChatStreamEvent (the schema describes one event, not the whole body).',
        content: {
          [JSON_MEDIA_TYPE]: { schema: chatResponseSchema },
          [SSE_MEDIA_TYPE]: { schema: chatStreamEventSchema },
        },
      },
      ...modelErrors,
      404: notFound('conversation (conversationId or sessionState.conversationId)'),
      413: bodyErrors[413],
      415: bodyErrors[415],
      503: errorResponse(
        'The model is busy or down after the retry budget (model_busy, model_unavailable), or Cosmos DB is unavailable (storage_unavailable)',
        'Retry-After',
      ),
    },
  },
  'chat-stream': {
    tag: 'chat',
    summary: 'One chat turn streamed as JSON Lines (Microsoft AI Chat Protocol)',
    description:
      'Each line of the application/x-ndjson body is one ChatProtocolLine ending in "\\n": text deltas, tool activity in `context`, and a `done` context (or an error line) last.',
    body: chatRequestBody,
    responses: {
      200: {
        description:
          'The streamed answer. Each line of the body is one ChatProtocolLine (the schema describes one line, not the whole body).',
        content: { [NDJSON_MEDIA_TYPE]: { schema: chatProtocolLineSchema } },
      },
      ...modelErrors,
      404: notFound('conversation (conversationId or sessionState.conversationId)'),
      413: bodyErrors[413],
      415: bodyErrors[415],
      503: errorResponse(
        'The model is busy or down after the retry budget (model_busy, model_unavailable), or Cosmos DB is unavailable (storage_unavailable)',
        'Retry-After',
      ),
    },
  },
  completions: {
    tag: 'chat',
    summary: 'One prompt, one answer, with character and token counts',
    body: completionsRequestBody,
    responses: {
      200: jsonResponse('The answer', completionsAnswerSchema),
      ...modelErrors,
      413: bodyErrors[413],
      415: bodyErrors[415],
    },
  },
  'conversations-list': {
    tag: 'conversations',
    summary: "The caller's conversations, newest first, a page at a time",
    query: pagingQuery,
    responses: {
      200: jsonResponse('A page of conversations', conversationPageSchema),
      400: invalidPaging,
      ...storageErrors,
    },
  },
  'conversations-get': {
    tag: 'conversations',
    summary: "One of the caller's conversations with a page of its messages, oldest first",
    params: idPathParams,
    query: pagingQuery,
    responses: {
      200: jsonResponse('The conversation', conversationDetailSchema),
      400: invalidPaging,
      404: notFound('conversation'),
      ...storageErrors,
    },
  },
  'conversations-delete': {
    tag: 'conversations',
    summary: "Deletes one of the caller's conversations and its messages",
    params: idPathParams,
    responses: {
      204: { description: 'Deleted' },
      404: notFound('conversation'),
      ...storageErrors,
    },
  },
  'batch-jobs-post': {
    tag: 'batch',
    summary: 'Submits a batch job: each item is extracted into JSON that conforms to the schema',
    description:
      'Accepted (202) once every item is queued. Repeating a submission with the same Idempotency-Key and body finds the same job.',
    headers: idempotencyHeaders,
    body: batchJobRequestBody,
    responses: {
      202: { ...jsonResponse('Accepted', batchJobAcceptedSchema), headers: headerRefs('Location') },
      400: errorResponse(
        'The body is not valid JSON (invalid_json), breaks the schema (validation_error), its schema is not a usable JSON Schema (invalid_schema), or the Idempotency-Key is malformed',
      ),
      409: errorResponse('The Idempotency-Key (or job id) was used for a different submission (conflict)'),
      413: errorResponse('The body is larger than BATCH_MAX_BODY_BYTES (default 10 MiB) (payload_too_large)'),
      415: bodyErrors[415],
      ...storageErrors,
    },
  },
  'batch-jobs-get': {
    tag: 'batch',
    summary: "A batch job's progress",
    params: idPathParams,
    responses: {
      200: jsonResponse('The job status', jobStatusSchema),
      404: notFound('batch job'),
      ...storageErrors,
    },
  },
  'batch-jobs-results-get': {
    tag: 'batch',
    summary: "A batch job's finished items in index order, a page at a time",
    params: idPathParams,
    query: pagingQuery,
    responses: {
      200: jsonResponse('A page of item results', batchResultsPageSchema),
      400: invalidPaging,
      404: notFound('batch job'),
      ...storageErrors,
    },
  },
  'connectors-execute': {
    tag: 'connectors',
    summary:
      'Checks a connector definition against its code, runs it in an isolated sandbox and reports the run',
    description:
      'Off unless CONNECTORS_ENABLED (404 connectors_disabled), and only for callers with the app role CONNECTORS_ALLOWED_ROLE (403). ' +
      'Before anything runs: every connector path the code reads must exist (400 missing_connector_paths) and every environment variable it needs must be in env (400 missing_env). ' +
      'The code runs in Azure Container Apps dynamic sessions (a local simulator in development): network_mode none has no network, bridge has egress. ' +
      'The answer is 200 whether or not the code succeeded; ok says which.',
    body: connectorRequestBody,
    responses: {
      200: jsonResponse('What the run did', connectorRunReportSchema),
      400: errorResponse(
        'The body is not valid JSON (invalid_json) or breaks the schema (validation_error: unknown language, a file path outside the folder, a bad env name ...), the entry point is not a file (missing_entry_point), a dependency is malformed (invalid_dependency), the code reads paths the definition lacks (missing_connector_paths) or variables env lacks (missing_env), or no pool serves the language or network mode (language_unavailable, network_mode_unavailable)',
      ),
      403: errorResponse('The caller lacks the app role CONNECTORS_ALLOWED_ROLE (forbidden)'),
      404: errorResponse('CONNECTORS_ENABLED is off (connectors_disabled)'),
      413: errorResponse(
        'The body is larger than CONNECTORS_MAX_BODY_BYTES (default 2 MiB) (payload_too_large)',
      ),
      415: bodyErrors[415],
      502: errorResponse(
        "The session pool refused the app's identity or request, or the runner failed (sandbox_auth_failed, sandbox_forbidden, sandbox_rejected, sandbox_runner_failed, sandbox_bad_reply)",
      ),
      503: errorResponse(
        'The session pool is busy or unreachable (sandbox_busy, sandbox_unavailable)',
        'Retry-After',
      ),
      504: errorResponse('The session pool did not answer in time (sandbox_timeout)'),
    },
  },
};
