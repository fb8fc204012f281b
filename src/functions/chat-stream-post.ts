import { chatRequestSchema } from '../shared/chat/chat-request';
import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readJsonBody } from '../shared/http/read-json-body';
import { streamChatTurn } from '../shared/http/stream-chat-turn';
import { toChatProtocolLines } from '../shared/http/stream-protocols';

/** POST /api/chat/stream: a streamed chat turn as JSON Lines (Microsoft AI Chat Protocol). */
export const chatStreamPost = defineHttpFunction({
  name: 'chat-stream',
  route: 'chat/stream',
  methods: ['POST'],
  handle: async (request, { services, log, caller, correlationId }) => {
    const schema = chatRequestSchema({ maxMessageChars: services.config.CHAT_MAX_MESSAGE_CHARS });
    const body = await readJsonBody(request, schema, services.config.HTTP_MAX_BODY_BYTES);
    return streamChatTurn(
      services.chat,
      body,
      { caller, log, correlationId },
      {
        encode: toChatProtocolLines,
        contentType: 'application/x-ndjson; charset=utf-8',
      },
    );
  },
});
