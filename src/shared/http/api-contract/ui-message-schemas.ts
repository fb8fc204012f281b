import { z } from 'zod';

import type { AppConfig } from '../../config/settings';
import { conversationIdSchema } from '../../history/conversation-id';
import { finishReasonSchema, usageSchema, warningsSchema } from './chat-schemas';

// The Vercel AI SDK's UI message stream protocol (v1), as its `useChat` / DefaultChatTransport speak it.
// Requests are loose objects: a transport's extra `body` fields and parts this API does not read (files,
// reasoning, tool parts of earlier answers) are accepted and ignored; only text parts are read.

function uiMessageSchema(maxChars: number) {
  return z
    .looseObject({
      id: z.string().max(256).optional(),
      role: z.enum(['system', 'user', 'assistant']),
      parts: z.array(z.looseObject({ type: z.string().max(128), text: z.unknown().optional() })).max(200),
      metadata: z.unknown().optional(),
    })
    .refine(
      (message) =>
        message.parts.reduce(
          (sum, part) => sum + (typeof part.text === 'string' ? part.text.length : 0),
          0,
        ) <= maxChars,
      { message: `the text of a message must be at most ${maxChars} characters`, path: ['parts'] },
    );
}

/** POST /api/chat/ui: what DefaultChatTransport sends. `id` (the chat id) is the conversation id. */
export function uiChatRequestSchema(limits: { readonly maxMessageChars: number }) {
  return z.looseObject({
    id: conversationIdSchema.meta({
      description: "The chat id: the caller's conversation, continued when it exists, else created under it",
    }),
    messages: z
      .array(uiMessageSchema(limits.maxMessageChars))
      .min(1, 'must hold at least one message')
      .max(200, 'must hold at most 200 messages')
      .refine((list) => {
        const last = list.at(-1);
        return (
          last?.role === 'user' &&
          last.parts.some(
            (part) => part.type === 'text' && typeof part.text === 'string' && part.text.trim() !== '',
          )
        );
      }, 'the last message must be a user message with text'),
    trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
    messageId: z.string().max(256).optional(),
  });
}

export type UIChatRequest = z.output<ReturnType<typeof uiChatRequestSchema>>;

export const uiChatRequestBody = (config: Pick<AppConfig, 'CHAT_MAX_MESSAGE_CHARS'>) =>
  uiChatRequestSchema({ maxMessageChars: config.CHAT_MAX_MESSAGE_CHARS }).meta({
    id: 'UIChatRequest',
    description:
      "The body useChat's DefaultChatTransport sends: the chat id, the UI messages (text parts are read), the trigger and the message id. Limits shown are the defaults (CHAT_MAX_MESSAGE_CHARS).",
    examples: [
      {
        id: 'chat-example-1',
        trigger: 'submit-message',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }],
      },
      {
        id: 'chat-example-2',
        messages: [
          { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
          {
            id: 'm2',
            role: 'assistant',
            parts: [{ type: 'step-start' }, { type: 'text', text: 'Hi!', state: 'done' }],
          },
          { id: 'm3', role: 'user', parts: [{ type: 'text', text: 'And now?' }] },
        ],
      },
    ],
  });

/** The metadata of the answer's `start` and `finish` chunks. */
export const uiMessageMetadataSchema = z
  .strictObject({
    conversationId: conversationIdSchema,
    intent: z.string().optional(),
    finishReason: finishReasonSchema.optional(),
    usage: usageSchema.optional(),
    warnings: warningsSchema.optional(),
  })
  .meta({ id: 'UIMessageMetadata' });

const id = z.string();

/** One `data:` event of the answer (the stream ends with `data: [DONE]`). */
export const uiMessageChunkSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('start'), messageId: id, messageMetadata: uiMessageMetadataSchema }),
    z.strictObject({ type: z.literal('start-step') }),
    z.strictObject({ type: z.literal('text-start'), id }),
    z.strictObject({ type: z.literal('text-delta'), id, delta: z.string() }),
    z.strictObject({ type: z.literal('text-end'), id }),
    z.strictObject({
      type: z.literal('tool-input-available'),
      toolCallId: id,
      toolName: z.string(),
      input: z.unknown(),
    }),
    z.strictObject({ type: z.literal('tool-output-available'), toolCallId: id, output: z.unknown() }),
    z.strictObject({ type: z.literal('finish-step') }),
    z.strictObject({
      type: z.literal('finish'),
      finishReason: z.enum(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']),
      messageMetadata: uiMessageMetadataSchema,
    }),
    z.strictObject({ type: z.literal('error'), errorText: z.string() }),
  ])
  .meta({
    id: 'UIMessageChunk',
    description:
      'The JSON of one `data:` event of the UI message stream (v1); the stream ends with `data: [DONE]`',
  });

export type UIMessageChunk = z.output<typeof uiMessageChunkSchema>;
