import { chatRequestSchema } from '../shared/chat/chat-request';
import { defineHttpFunction } from '../shared/hosting/function-definition';
import { toChatResponse } from '../shared/http/chat-response';
import { readJsonBody } from '../shared/http/read-json-body';
import { streamChatTurn } from '../shared/http/stream-chat-turn';
import { toServerSentEvents } from '../shared/http/stream-protocols';

/**
 * POST /api/chat: one chat turn with tools. JSON (seed 000 fields and the AI Chat Protocol's), or
 * Server-Sent Events with `"stream": true` or `Accept: text/event-stream`.
 */
export const chatPost = defineHttpFunction({
  name: 'chat',
  route: 'chat',
  methods: ['POST'],
  handle: async (request, { services, log, caller, correlationId }) => {
    const schema = chatRequestSchema({ maxMessageChars: services.config.CHAT_MAX_MESSAGE_CHARS });
    const body = await readJsonBody(request, schema, services.config.HTTP_MAX_BODY_BYTES);
    const wantsEvents =
      body.stream === true || (request.headers.get('accept') ?? '').includes('text/event-stream');
    const context = { caller, log, correlationId };
    if (!wantsEvents) return { jsonBody: toChatResponse(await services.chat.answer(body, context)) };
    return streamChatTurn(services.chat, body, context, {
      encode: toServerSentEvents,
      contentType: 'text/event-stream; charset=utf-8',
    });
  },
});
