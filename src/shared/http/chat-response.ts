import type { AnswerFinishReason, ParameterWarning } from '../chat/answer-status';
import type { ChatAnswer } from '../chat/chat-service';
import type { Usage } from '../model/chat-model';

export interface UsageBody {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  /** Part of completion_tokens: the model's hidden reasoning. */
  readonly reasoning_tokens: number;
  /** Part of prompt_tokens: served from Azure's prompt cache. */
  readonly cached_tokens: number;
}

export interface ChatResponseBody {
  readonly conversationId: string;
  readonly intent: string;
  readonly answer_md: string;
  readonly actions_result: readonly { tool: string; arguments: unknown; result: unknown }[];
  readonly message: { readonly role: 'assistant'; readonly content: string };
  readonly context: { readonly intent: string };
  readonly usage: UsageBody;
  readonly finishReason: AnswerFinishReason;
  readonly warnings?: readonly ParameterWarning[];
  readonly sessionState: { readonly conversationId: string };
}

export function toUsageBody(usage: Usage): UsageBody {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    reasoning_tokens: usage.reasoningTokens,
    cached_tokens: usage.cachedTokens,
  };
}

/** `warnings` only when there are some: most answers have none. */
export function warningsField(warnings: readonly ParameterWarning[]): {
  warnings?: readonly ParameterWarning[];
} {
  return warnings.length === 0 ? {} : { warnings };
}

/** `intent`, `answer_md`, `actions_result`, and the AI Chat Protocol's `message`, `context`, `sessionState`, in one body. */
export function toChatResponse(answer: ChatAnswer): ChatResponseBody {
  return {
    conversationId: answer.conversationId,
    intent: answer.intent,
    answer_md: answer.answerMd,
    // What the user is shown of each tool result: no upstream error text (the model had it).
    actions_result: answer.actions.map(({ tool, arguments: args, shown }) => ({
      tool,
      arguments: args,
      result: shown,
    })),
    message: { role: 'assistant', content: answer.answerMd },
    context: { intent: answer.intent },
    usage: toUsageBody(answer.usage),
    finishReason: answer.finishReason,
    ...warningsField(answer.warnings),
    sessionState: { conversationId: answer.conversationId },
  };
}
