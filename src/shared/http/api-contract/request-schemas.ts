import * as z from 'zod';

import { batchJobRequestSchema } from '../../batch/batch-messages';
import { chatRequestSchema } from '../../chat/chat-request';
import { completionsRequestSchema, PROMPT_MAX_CHARS } from '../../completions/completions-service';
import type { AppConfig } from '../../config/settings';
import { connectorRequestSchema } from '../../connectors/connector-request';
import { conversationIdSchema } from '../../history/conversation-id';

// The request schemas routes declare: each exists once, and the wrapper validates with the very schema
// the OpenAPI document shows. Bodies whose limits are settings are factories of the configuration; the
// document is built with the defaults.

export const chatRequestBody = (config: Pick<AppConfig, 'CHAT_MAX_MESSAGE_CHARS'>) =>
  chatRequestSchema({ maxMessageChars: config.CHAT_MAX_MESSAGE_CHARS }).meta({
    id: 'ChatRequest',
    description:
      "Exactly one of 'message' or 'messages'. Limits shown are the defaults (CHAT_MAX_MESSAGE_CHARS).",
  });

export const completionsRequestBody = completionsRequestSchema.meta({
  id: 'CompletionsRequest',
  description: `'prompt' must not be blank and is at most ${PROMPT_MAX_CHARS} characters.`,
});

export const batchJobRequestBody = (config: Pick<AppConfig, 'BATCH_MAX_ITEMS' | 'BATCH_MAX_ITEM_CHARS'>) =>
  batchJobRequestSchema({ maxItems: config.BATCH_MAX_ITEMS, maxItemChars: config.BATCH_MAX_ITEM_CHARS }).meta(
    {
      id: 'BatchJobRequest',
      description:
        "'schema' is the JSON Schema (type object) each item's output must conform to. Limits shown are the defaults (BATCH_MAX_ITEMS, BATCH_MAX_ITEM_CHARS).",
    },
  );

export const connectorRequestBody = (
  config: Pick<AppConfig, 'CONNECTORS_MAX_FILES' | 'CONNECTORS_MAX_FILE_BYTES'>,
) =>
  connectorRequestSchema({
    maxFiles: config.CONNECTORS_MAX_FILES,
    maxFileBytes: config.CONNECTORS_MAX_FILE_BYTES,
  }).meta({
    id: 'ConnectorRequest',
    description:
      'A connector definition (runtime, configuration, files, and any other keys its code reads), its env, configuration_overrides and network_mode (default none). The code gets {"connector": <definition>} on stdin and in the file CONNECTOR_CONTEXT_FILE names, and prints {"ok": true, "result": ...} as its last line. Limits shown are the defaults (CONNECTORS_MAX_FILES, CONNECTORS_MAX_FILE_BYTES).',
  });

/** `{id}` in a route: an id that does not match is 404, like an unknown one. */
export const idPathParams = z.object({ id: conversationIdSchema });

/** `?pageSize=&continuationToken=` (400 when invalid). */
export const pagingQuery = z.object({
  pageSize: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Items per page' }),
  continuationToken: z
    .string()
    .min(1)
    .max(12_000)
    .optional()
    .meta({ description: 'From the previous page, to read the next one' }),
});

/** A parsed paging query as the services take it. */
export function toPage(query: z.output<typeof pagingQuery>): { size: number; continuationToken?: string } {
  const { pageSize: size, continuationToken } = query;
  return continuationToken === undefined ? { size } : { size, continuationToken };
}

const deepFlag = z.enum(['true', 'false', '1', '0']);

/** GET /api/health: anything but true/1 means a shallow check (an unknown value is not an error). */
export const healthQuery = z.object({
  deep: deepFlag
    .optional()
    .catch(undefined)
    // zod-to-openapi cannot see through `catch`: the document states the values it accepts.
    .meta({
      type: 'string',
      enum: Object.values(deepFlag.enum),
      description: 'true or 1: also check each dependency (model, Cosmos DB, storage, scoring)',
    }),
});

/** POST /api/batch-jobs: the same key and body find the same job; the same key with another body is 409. */
export const idempotencyHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 visible ASCII characters')
    .optional()
    .meta({ description: '1-200 visible ASCII characters; 400 when malformed' }),
});
/** Accepted on every request; echoed on every response. */
export const requestIdHeaders = z.object({
  'X-Request-ID': z.string().optional().meta({
    description:
      'Correlation id: kept when it is 1-128 of A-Z a-z 0-9 . _ : - (starting with a letter or digit), else replaced by a new UUID',
  }),
});
