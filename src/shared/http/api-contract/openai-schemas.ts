import { z } from 'zod';

import type { AppConfig } from '../../config/settings';
import { conversationIdSchema } from '../../history/conversation-id';

// OpenAI's Chat Completions objects, as far as this API reads and writes them. Requests are loose objects:
// parameters this API does not use are accepted and ignored, as a proxy in front of a model would, so
// clients that send provider options work unchanged; those that would change the answer's shape (n > 1,
// a response_format other than text, non-text content) are refused with a 400 naming the parameter.

const toolName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

function messageSchema(maxChars: number) {
  const text = z.string().max(maxChars, `must be at most ${maxChars} characters`);
  const parts = z
    .array(
      z.looseObject({
        type: z.literal('text', 'only text content parts are supported'),
        text: z.string(),
      }),
    )
    .max(64)
    .refine(
      (list) => list.reduce((sum, part) => sum + part.text.length, 0) <= maxChars,
      `must be at most ${maxChars} characters`,
    );
  const content = z.union([text, parts]);
  const toolCall = z.looseObject({
    id: z.string().min(1).max(128),
    type: z.literal('function'),
    function: z.looseObject({ name: toolName, arguments: text }),
  });
  return z.discriminatedUnion('role', [
    z.looseObject({ role: z.literal('system'), content }),
    z.looseObject({ role: z.literal('developer'), content }),
    z.looseObject({ role: z.literal('user'), content }),
    z.looseObject({
      role: z.literal('assistant'),
      content: content.nullish(),
      tool_calls: z.array(toolCall).max(32).nullish(),
    }),
    z.looseObject({ role: z.literal('tool'), content, tool_call_id: z.string().min(1).max(128) }),
  ]);
}

const tokens = z.number().int().min(1).max(32_768);

const toolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: toolName,
    description: z.string().max(2_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: toolName }) }),
]);

/** POST /api/openai/v1/chat/completions: OpenAI's request; `model` names a deployment of the allowlist. */
export function openAIChatRequestSchema(limits: { readonly maxMessageChars: number }) {
  return z.looseObject({
    model: z.string().min(1).max(128),
    messages: z
      .array(messageSchema(limits.maxMessageChars))
      .min(1, 'must hold at least one message')
      .max(200, 'must hold at most 200 messages')
      .refine((list) => list.some((message) => message.role !== 'system' && message.role !== 'developer'), {
        message: 'must hold a message that is not a system message',
      }),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    max_tokens: tokens.nullish(),
    max_completion_tokens: tokens.nullish(),
    tools: z.array(toolSchema).max(64).nullish(),
    tool_choice: toolChoiceSchema.nullish(),
    n: z.literal(1, 'only one choice (n: 1) is supported').nullish(),
    response_format: z
      .looseObject({ type: z.literal('text', 'only text responses are supported') })
      .nullish(),
  });
}

export type OpenAIChatRequest = z.output<ReturnType<typeof openAIChatRequestSchema>>;
export type OpenAIMessage = OpenAIChatRequest['messages'][number];

export const openAIChatRequestBody = (config: Pick<AppConfig, 'CHAT_MAX_MESSAGE_CHARS'>) =>
  openAIChatRequestSchema({ maxMessageChars: config.CHAT_MAX_MESSAGE_CHARS }).meta({
    id: 'OpenAIChatCompletionRequest',
    description:
      "OpenAI's Chat Completions request. Used: model (a deployment of GET /api/openai/v1/models), messages, stream, stream_options.include_usage, temperature, max_tokens / max_completion_tokens, tools (run by the client), tool_choice. Other parameters are accepted and ignored. Limits shown are the defaults (CHAT_MAX_MESSAGE_CHARS).",
    examples: [
      { model: 'chat', messages: [{ role: 'user', content: 'Hello' }] },
      {
        model: 'chat',
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'What is an orange?' }] },
        ],
      },
      {
        model: 'chat',
        messages: [
          { role: 'user', content: 'weather in city: Paris' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
        ],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
          },
        ],
      },
    ],
  });

/** Stores and continues the turn as a conversation of the caller (created under this id when it is new). */
export const conversationHeaders = z.object({
  'X-Conversation-Id': conversationIdSchema.optional().meta({
    description:
      'Stores the turn in this conversation of the caller, continuing it (the stored history counts) or creating it under this id; without it, nothing is stored',
  }),
});
