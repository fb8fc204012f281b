import { chatRequestSchema } from '../shared/chat/chat-request';
import { toChatResponse } from '../shared/chat/chat-response';
import { defineHttpFunction } from '../shared/hosting/function-definition';
import { readJsonBody } from '../shared/http/read-json-body';

/** POST /api/chat: one chat turn with tools, answered as JSON (seed 000 fields and the AI Chat Protocol's). */
export const chatPost = defineHttpFunction({
  name: 'chat',
  route: 'chat',
  methods: ['POST'],
  handle: async (request, { services, log }) => {
    const schema = chatRequestSchema({ maxMessageChars: services.config.CHAT_MAX_MESSAGE_CHARS });
    const body = await readJsonBody(request, schema, services.config.HTTP_MAX_BODY_BYTES);
    return { jsonBody: toChatResponse(await services.chat.answer(body, log)) };
  },
});
