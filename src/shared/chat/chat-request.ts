import * as z from 'zod';

import { conversationIdSchema } from '../history/conversation-id';
import { type ChatMessage, REASONING_EFFORTS, VERBOSITIES } from '../model/chat-model';
import type { TurnRequest } from './turn-request';

/** maxTokens, reasoningEffort and verbosity: the same on chat and completions. */
export const generationFields = {
  maxTokens: z.number().int().min(1).max(128_000).optional(),
  reasoningEffort: z.enum(REASONING_EFFORTS).optional(),
  verbosity: z.enum(VERBOSITIES).optional(),
};

/**
 * The body of POST /api/chat and /api/chat/stream: one `message`, or a whole `messages` list as AI Chat
 * Protocol clients send it. A transcript read back from GET /api/conversations/{id} is accepted as it is:
 * tool messages, assistant messages that only call tools or are empty, and the stored fields (`seq`,
 * `createdAt`, ...), which are ignored.
 */
export function chatRequestSchema(limits: { readonly maxMessageChars: number }) {
  const content = z
    .string()
    .max(limits.maxMessageChars, `must be at most ${limits.maxMessageChars} characters`);
  const toolCall = z.object({
    id: z.string().max(128),
    name: z.string().max(128),
    arguments: z.string().max(limits.maxMessageChars),
  });
  const message = z.object({
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content,
    toolCalls: z.array(toolCall).max(32).optional(),
    toolCallId: z.string().max(128).optional(),
  });
  return z
    .object({
      message: content.refine((text) => text.trim() !== '', 'must not be empty').optional(),
      messages: z
        .array(message)
        .min(1, 'must hold at least one message')
        .max(200, 'must hold at most 200 messages')
        .refine((list) => list.at(-1)?.role === 'user', 'the last message must have role "user"')
        .optional(),
      conversationId: conversationIdSchema.optional(),
      temperature: z.number().min(0).max(2).optional(),
      ...generationFields,
      model: z.string().min(1).max(128).optional(),
      context: z.record(z.string(), z.unknown()).optional(),
      sessionState: z.unknown().optional(),
      stream: z.boolean().optional(),
    })
    .refine((body) => (body.message === undefined) !== (body.messages === undefined), {
      message: "exactly one of 'message' or 'messages' is required",
    });
}

export type ChatRequest = z.output<ReturnType<typeof chatRequestSchema>>;

const sessionStateSchema = z.object({ conversationId: conversationIdSchema });

/** The conversation to continue: `conversationId`, else the AI Chat Protocol's `sessionState.conversationId`. */
export function conversationIdOf(request: ChatRequest): string | undefined {
  if (request.conversationId !== undefined) return request.conversationId;
  const session = sessionStateSchema.safeParse(request.sessionState);
  return session.success ? session.data.conversationId : undefined;
}

/** The turn a POST /api/chat body asks for: a new conversation, or the one it names. */
export function fromChatRequest(request: ChatRequest): TurnRequest {
  const conversationId = conversationIdOf(request);
  const messages = request.messages?.map((message): ChatMessage =>
    message.role === 'tool'
      ? { role: 'tool', toolCallId: message.toolCallId ?? '', content: message.content }
      : message.role === 'assistant'
        ? {
            role: 'assistant',
            content: message.content,
            ...(message.toolCalls === undefined ? {} : { toolCalls: message.toolCalls }),
          }
        : { role: message.role, content: message.content },
  ) ?? [{ role: 'user', content: request.message ?? '' }];
  return {
    messages,
    conversation: conversationId === undefined ? { mode: 'new' } : { mode: 'continue', id: conversationId },
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
    ...(request.reasoningEffort === undefined ? {} : { reasoningEffort: request.reasoningEffort }),
    ...(request.verbosity === undefined ? {} : { verbosity: request.verbosity }),
    ...(request.model === undefined ? {} : { model: request.model }),
  };
}
