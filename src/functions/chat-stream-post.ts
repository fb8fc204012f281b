import { defineHttpFunction } from '../shared/hosting/http-function';
import { chatRequestBody } from '../shared/http/api-contract/request-schemas';
import { chatTurnErrors, NDJSON_MEDIA_TYPE, quotaErrors } from '../shared/http/api-contract/responses';
import { chatProtocolLineSchema } from '../shared/http/api-contract/stream-schemas';
import { streamChatTurn } from '../shared/http/stream-chat-turn';
import { toChatProtocolLines } from '../shared/http/stream-protocols';

/** POST /api/chat/stream: a streamed chat turn as JSON Lines (Microsoft AI Chat Protocol). */
export const chatStreamPost = defineHttpFunction({
  name: 'chat-stream',
  route: 'chat/stream',
  methods: ['POST'],
  tag: 'chat',
  summary: 'One chat turn streamed as JSON Lines (Microsoft AI Chat Protocol)',
  description:
    'Each line of the application/x-ndjson body is one ChatProtocolLine ending in "\\n": text deltas, tool activity in `context`, and a `done` context (or an error line) last.',
  request: { body: chatRequestBody },
  quota: 'requests_per_minute',
  responses: {
    200: {
      description:
        'The streamed answer. Each line of the body is one ChatProtocolLine (the schema describes one line, not the whole body).',
      content: { [NDJSON_MEDIA_TYPE]: { schema: chatProtocolLineSchema } },
    },
    ...chatTurnErrors,
    ...quotaErrors,
  },
  handle: ({ body }, { services, log, caller, correlationId }) =>
    streamChatTurn(
      services.chat,
      body,
      { caller, log, correlationId },
      { encode: toChatProtocolLines, contentType: 'application/x-ndjson; charset=utf-8' },
    ),
});
