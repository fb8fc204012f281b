import * as z from 'zod';

import { conversationIdSchema } from '../../history/conversation-id';
import type { ChatResponseBody } from '../chat-response';
import type { Assert, Covers, SameKeys } from './type-checks';

/** The id of a conversation, as the handlers validate it (`conversationIdSchema`). */
export const conversationIdRef = conversationIdSchema.meta({ id: 'ConversationId' });

const tokens = z.number().int().nonnegative();

export const usageSchema = z
  .strictObject({
    prompt_tokens: tokens,
    completion_tokens: tokens,
    total_tokens: tokens,
    reasoning_tokens: tokens.meta({ description: "Part of completion_tokens: the model's hidden reasoning" }),
    cached_tokens: tokens.meta({ description: "Part of prompt_tokens: served from Azure's prompt cache" }),
  })
  .meta({ id: 'TokenUsage', description: 'Token counts of every model call of the turn' });

export const finishReasonSchema = z
  .enum(['stop', 'length', 'tool_limit', 'prompt_limit', 'tool_calls'])
  .meta({
    id: 'FinishReason',
    description:
      'stop: the answer is whole; length: cut short by the token budget (intent "incomplete"); tool_limit: stopped at CHAT_MAX_TOOL_ROUNDS; prompt_limit: tool results grew past CHAT_MAX_PROMPT_TOKENS; tool_calls: ended with calls of tools the client runs itself (the OpenAI-compatible route only). An answer the output content filter stopped is the error content_filtered instead.',
  });

export const warningsSchema = z
  .array(
    z.strictObject({
      code: z.literal('parameter_ignored'),
      param: z.enum(['temperature', 'reasoningEffort', 'verbosity']),
      message: z.string(),
    }),
  )
  .meta({
    id: 'ParameterWarnings',
    description: 'Parameters of the request the deployment does not take: the answer went on without them',
  });

export const sessionStateSchema = z
  .strictObject({ conversationId: conversationIdRef })
  .meta({ id: 'SessionState', description: 'AI Chat Protocol session state: send it back to continue' });

const intentSchema = z.string().meta({
  description:
    'The answer\'s intent: the model\'s own, "answer", "incomplete" (cut short), "tool_limit" or "prompt_limit"',
});

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
    finishReason: finishReasonSchema,
    warnings: warningsSchema.optional(),
    sessionState: sessionStateSchema,
  })
  .meta({ id: 'ChatResponse' });

type _Checks = [
  Assert<Covers<z.output<typeof chatResponseSchema>, ChatResponseBody>>,
  Assert<SameKeys<z.output<typeof chatResponseSchema>, ChatResponseBody>>,
];
