import { defineHttpFunction } from '../shared/hosting/http-function';
import { chatTurnErrors, quotaErrors, SSE_MEDIA_TYPE } from '../shared/http/api-contract/responses';
import { uiChatRequestBody, uiMessageChunkSchema } from '../shared/http/api-contract/ui-message-schemas';
import { streamChatTurn } from '../shared/http/stream-chat-turn';
import {
  fromUIChatRequest,
  toUIMessageStream,
  UI_MESSAGE_STREAM_HEADERS,
} from '../shared/http/ui-message-stream';

/**
 * POST /api/chat/ui: a chat turn as the Vercel AI SDK's UI message stream, for `useChat` with its
 * DefaultChatTransport (`api: '/api/chat/ui'`). The chat id is the conversation id.
 */
export const chatUiPost = defineHttpFunction({
  name: 'chat-ui',
  route: 'chat/ui',
  methods: ['POST'],
  tag: 'chat',
  summary: 'One chat turn as the AI SDK UI message stream (useChat)',
  description:
    'Server-Sent Events with `x-vercel-ai-ui-message-stream: v1`: start (with the conversation id), text and tool parts as they happen, finish with metadata (conversation id, intent, finish reason, usage) or error, then `data: [DONE]`. A failure before the stream starts is an ordinary error response.',
  request: { body: uiChatRequestBody },
  quota: 'requests_per_minute',
  responses: {
    200: {
      description:
        'The streamed answer. Each `data:` event is one UIMessageChunk (the schema describes one event, not the whole body).',
      content: { [SSE_MEDIA_TYPE]: { schema: uiMessageChunkSchema } },
    },
    ...chatTurnErrors,
    ...quotaErrors,
  },
  handle: ({ body }, { services, log, caller, correlationId, signal }) =>
    streamChatTurn(
      services.chat,
      fromUIChatRequest(body),
      { caller, log, correlationId, signal },
      {
        encode: toUIMessageStream,
        contentType: 'text/event-stream; charset=utf-8',
        headers: UI_MESSAGE_STREAM_HEADERS,
      },
    ),
});
