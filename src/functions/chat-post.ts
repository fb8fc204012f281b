import { fromChatRequest } from '../shared/chat/chat-request';
import { defineHttpFunction } from '../shared/hosting/http-function';
import { chatResponseSchema } from '../shared/http/api-contract/chat-schemas';
import { chatRequestBody } from '../shared/http/api-contract/request-schemas';
import {
  chatTurnErrors,
  JSON_MEDIA_TYPE,
  quotaErrors,
  SSE_MEDIA_TYPE,
} from '../shared/http/api-contract/responses';
import { chatStreamEventSchema } from '../shared/http/api-contract/stream-schemas';
import { toChatResponse } from '../shared/http/chat-response';
import { streamChatTurn } from '../shared/http/stream-chat-turn';
import { toServerSentEvents } from '../shared/http/stream-protocols';

/**
 * POST /api/chat: one chat turn with tools. JSON (`intent`, `answer_md`, `actions_result`, and the AI Chat
 * Protocol's `message`, `context`, `sessionState`), or Server-Sent Events with `"stream": true` or
 * `Accept: text/event-stream`.
 */
export const chatPost = defineHttpFunction({
  name: 'chat',
  route: 'chat',
  methods: ['POST'],
  tag: 'chat',
  summary: 'One chat turn with tools, as JSON or as Server-Sent Events',
  description:
    'Answers JSON, or text/event-stream when the body has `"stream": true` or the request sends `Accept: text/event-stream`. ' +
    'A stream is one `data: <ChatStreamEvent JSON>` event per piece: metadata first, then tool_call, tool_result and chunk events as they happen, and done (or error) last. ' +
    'A failure before the stream starts is an ordinary error response.',
  request: { body: chatRequestBody },
  quota: 'requests_per_minute',
  responses: {
    200: {
      description:
        'The answer. As text/event-stream, each `data:` line of the body carries one ChatStreamEvent (the schema describes one event, not the whole body).',
      content: {
        [JSON_MEDIA_TYPE]: { schema: chatResponseSchema },
        [SSE_MEDIA_TYPE]: { schema: chatStreamEventSchema },
      },
    },
    ...chatTurnErrors,
    ...quotaErrors,
  },
  handle: async ({ body }, { services, log, caller, correlationId, request, signal }) => {
    const context = { caller, log, correlationId, signal };
    const turn = fromChatRequest(body);
    if (body.stream !== true && !request.accept.includes('text/event-stream'))
      return { jsonBody: toChatResponse(await services.chat.answer(turn, context)) };
    return streamChatTurn(services.chat, turn, context, {
      encode: toServerSentEvents,
      contentType: 'text/event-stream; charset=utf-8',
    });
  },
});
