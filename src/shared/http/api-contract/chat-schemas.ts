import { z } from 'zod';

import { conversationIdSchema } from '../../history/conversation-id';
import type { ChatResponseBody } from '../chat-response';
import type { Assert, Covers, SameKeys } from './type-checks';

/** The id of a conversation, as the handlers validate it (`conversationIdSchema`). */
export const conversationIdRef = conversationIdSchema.meta({ id: 'ConversationId' });

export const usageSchema = z
  .strictObject({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative(),
  })
  .meta({ id: 'TokenUsage', description: 'Token counts of every model call of the turn' });

export const sessionStateSchema = z
  .strictObject({ conversationId: conversationIdRef })
  .meta({ id: 'SessionState', description: 'AI Chat Protocol session state: send it back to continue' });

const intentSchema = z
  .string()
  .meta({ description: 'The answer\'s intent: the model\'s own, "answer", "tool_limit" or "prompt_limit"' });

/** POST /api/chat as JSON: `intent`, `answer_md`, `actions_result`, and the AI Chat Protocol's fields, in one body. */
export const chatResponseSchema = z
  .strictObject({
    conversationId: conversationIdRef,
    intent: intentSchema,
    answer_md: z.string().meta({ description: 'The answer, Markdown' }),
    actions_result: z
      .array(z.strictObject({ tool: z.string(), arguments: z.unknown(), result: z.unknown() }))
      .meta({ description: 'Each tool call of the turn with its result, in order' }),
    message: z.strictObject({ role: z.literal('assistant'), content: z.string() }),
    context: z.strictObject({ intent: intentSchema }),
    usage: usageSchema,
    sessionState: sessionStateSchema,
  })
  .meta({ id: 'ChatResponse' });

type _Checks = [
  Assert<Covers<z.output<typeof chatResponseSchema>, ChatResponseBody>>,
  Assert<SameKeys<z.output<typeof chatResponseSchema>, ChatResponseBody>>,
];
