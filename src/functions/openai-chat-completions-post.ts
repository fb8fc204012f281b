import { defineHttpFunction } from '../shared/hosting/http-function';
import {
  chatCompletionChunkSchema,
  chatCompletionSchema,
} from '../shared/http/api-contract/openai-response-schemas';
import { conversationHeaders, openAIChatRequestBody } from '../shared/http/api-contract/openai-schemas';
import { openAIErrorResponses, SSE_MEDIA_TYPE } from '../shared/http/api-contract/responses';
import { openAIErrorFormat } from '../shared/http/openai-errors';
import { fromOpenAIRequest } from '../shared/http/openai-request';
import { newCompletion, toChatCompletion, toOpenAIChunks } from '../shared/http/openai-response';
import { streamChatTurn } from '../shared/http/stream-chat-turn';

/**
 * POST /api/openai/v1/chat/completions: OpenAI's Chat Completions API over the same chat turn, so OpenAI
 * clients and agent frameworks work unchanged. Stateless unless X-Conversation-Id names a conversation.
 */
export const openAIChatCompletionsPost = defineHttpFunction({
  name: 'openai-chat-completions',
  route: 'openai/v1/chat/completions',
  methods: ['POST'],
  tag: 'openai',
  summary:
    "OpenAI's Chat Completions API: the server's tools run in the turn, the client's come back as tool_calls",
  description:
    'A chat.completion, or chat.completion.chunk Server-Sent Events ending with `data: [DONE]` when `stream` is true (usage last with `stream_options.include_usage`). Errors are OpenAI error objects.',
  errorFormat: openAIErrorFormat,
  request: { body: openAIChatRequestBody, headers: conversationHeaders },
  quota: 'requests_per_minute',
  responses: {
    200: {
      description:
        'The completion. As text/event-stream, each `data:` event is one chunk (the schema describes one event).',
      content: {
        'application/json': { schema: chatCompletionSchema },
        [SSE_MEDIA_TYPE]: { schema: chatCompletionChunkSchema },
      },
    },
    ...openAIErrorResponses,
  },
  handle: async ({ body, headers }, { services, log, caller, correlationId, signal }) => {
    const conversationId = headers['X-Conversation-Id'];
    const turn = fromOpenAIRequest(body, conversationId);
    const context = { caller, log, correlationId, signal };
    const completion = newCompletion(body.model);
    const echoed = conversationId === undefined ? {} : { 'X-Conversation-Id': conversationId };
    if (body.stream !== true)
      return {
        headers: echoed,
        jsonBody: toChatCompletion(await services.chat.answer(turn, context), completion),
      };
    const includeUsage = body.stream_options?.include_usage === true;
    return streamChatTurn(services.chat, turn, context, {
      encode: toOpenAIChunks(completion, includeUsage),
      contentType: 'text/event-stream; charset=utf-8',
      headers: echoed,
    });
  },
});
