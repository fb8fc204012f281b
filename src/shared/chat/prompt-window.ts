import { ValidationError } from '../errors';
import type { ChatMessage, ToolDefinition } from '../model/chat-model';
import { fitHistory } from './history-window';
import { countMessageTokens, countPromptTokens } from './prompt-tokens';

/**
 * The prompt of a turn's first model call within `maxTokens`: the system prompt, the caller's instructions
 * and new messages always; the stored history as far as it fits, newest first. When even the first ones
 * do not fit, a 400 `prompt_too_long`, before any model call.
 */
export async function boundedPrompt(
  fixed: readonly ChatMessage[],
  history: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
  tools: readonly ToolDefinition[],
  maxTokens: number,
): Promise<{ messages: ChatMessage[]; tokens: number }> {
  const required = await countPromptTokens([...fixed, ...incoming], tools, maxTokens);
  if (required > maxTokens) {
    throw new ValidationError(
      `The prompt needs more than ${maxTokens} tokens (CHAT_MAX_PROMPT_TOKENS), counting the system prompt, the tools and the messages sent; send fewer or shorter messages`,
      [{ path: 'messages', message: `over ${maxTokens} tokens` }],
      'prompt_too_long',
    );
  }
  const kept = fitHistory(history, maxTokens - required, countMessageTokens);
  const tokens = required + kept.reduce((sum, message) => sum + countMessageTokens(message), 0);
  return { messages: [...fixed, ...kept, ...incoming], tokens };
}
