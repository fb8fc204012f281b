import type { IgnoredParameter, Usage } from '../model/chat-model';

/**
 * How an answer ended: whole (`stop`), cut short by the token budget (`length`), stopped at the tool
 * round bound (`tool_limit`) or at the prompt limit (`prompt_limit`: tool results grew past
 * CHAT_MAX_PROMPT_TOKENS), or with calls of tools the client runs itself (`tool_calls`, on the
 * OpenAI-compatible route only). An answer the output content filter stopped is not an answer: it is the
 * error `content_filtered`.
 */
export type AnswerFinishReason = 'stop' | 'length' | 'tool_limit' | 'prompt_limit' | 'tool_calls';

/** A parameter the caller sent that the deployment does not take: the answer went on without it. */
export interface ParameterWarning {
  readonly code: 'parameter_ignored';
  readonly param: IgnoredParameter['param'];
  readonly message: string;
}

export function toWarnings(ignored: readonly IgnoredParameter[]): ParameterWarning[] {
  return ignored.map(({ param, message }) => ({ code: 'parameter_ignored', param, message }));
}

/** What the caller reads when a reasoning model spent the whole budget and wrote nothing. */
export function budgetSpentMessage(maxTokens: number | undefined, usage: Usage): string {
  const budget =
    maxTokens === undefined ? 'its whole token budget' : `its whole budget of ${maxTokens} tokens`;
  const reasoning = usage.reasoningTokens > 0 ? ` (${usage.reasoningTokens} on reasoning)` : '';
  return `The model used ${budget}${reasoning} before it wrote an answer. Ask again with a larger maxTokens or a lower reasoningEffort.`;
}
