import type { ChatMessage } from '../model/chat-model';

/** A rough token count (about 4 characters a token, plus a little per message); enough for a budget. */
export function estimateTokens(message: ChatMessage): number {
  const toolCalls = message.role === 'assistant' ? (message.toolCalls ?? []) : [];
  const text = (message.content ?? '') + toolCalls.map((call) => call.name + call.arguments).join('');
  return Math.ceil(text.length / 4) + 4;
}

/**
 * The newest messages that fit in `budget` tokens (by `count`: the tokenizer in the chat service, a rough
 * estimate by default), oldest first. Counting stops at the first unit that does not fit. An assistant message that calls tools
 * and the tool results that answer it are kept or dropped together, so the model never sees a tool result
 * without its call (which Azure OpenAI rejects) or a call without its results.
 */
export function fitHistory(
  messages: readonly ChatMessage[],
  budget: number,
  count: (message: ChatMessage) => number = estimateTokens,
): ChatMessage[] {
  const units: ChatMessage[][] = [];
  for (const message of messages) {
    const last = units.at(-1);
    if (message.role === 'tool' && last !== undefined) last.push(message);
    else units.push([message]);
  }
  const kept: ChatMessage[][] = [];
  let used = 0;
  for (let index = units.length - 1; index >= 0; index--) {
    const unit = units[index] ?? [];
    const cost = unit.reduce((sum, message) => sum + count(message), 0);
    if (used + cost > budget) break;
    used += cost;
    kept.unshift(unit);
  }
  // A window must not open on tool results whose call fell outside it.
  while (kept[0]?.[0]?.role === 'tool') kept.shift();
  return kept.flat();
}
