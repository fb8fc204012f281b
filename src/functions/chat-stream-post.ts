import { fromChatRequest } from '../shared/chat/chat-request';
import { defineHttpFunction } from '../shared/hosting/http-function';
import { chatRequestBody } from '../shared/http/api-contract/request-schemas';
import { chatTurnErrors, JSON_LINES_MEDIA_TYPE, quotaErrors } from '../shared/http/api-contract/responses';
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
    'Each line of the application/jsonl body (the content type the AI Chat Protocol names) is one ChatProtocolLine ending in "\\n": text deltas, tool activity in `context`, and a `done` context (or an error line) last. ' +
    'A transcript read back from GET /api/conversations/{id} may be resent as `messages`, tool messages included; continuing a conversation, the stored history counts.',
  request: { body: chatRequestBody },
  quota: 'requests_per_minute',
  responses: {
    200: {
      description:
        'The streamed answer. Each line of the body is one ChatProtocolLine (the schema describes one line, not the whole body).',
      content: { [JSON_LINES_MEDIA_TYPE]: { schema: chatProtocolLineSchema } },
    },
    ...chatTurnErrors,
    ...quotaErrors,
  },
  handle: ({ body }, { services, log, caller, correlationId, signal }) =>
    streamChatTurn(
      services.chat,
      fromChatRequest(body),
      { caller, log, correlationId, signal },
      { encode: toChatProtocolLines, contentType: JSON_LINES_MEDIA_TYPE },
    ),
});
