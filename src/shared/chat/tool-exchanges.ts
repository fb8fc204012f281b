import type { ChatMessage } from '../model/chat-model';

/**
 * The transcript with only complete tool exchanges: an assistant message's tool calls are kept when tool
 * messages answering every one of them follow it directly; tool messages that answer no such call are
 * dropped, and so are assistant messages left with neither text nor calls. Azure OpenAI refuses a
 * transcript with an unanswered call or a stray tool result; a resent or stored transcript can have both.
 *
 * @example
 * completeToolExchanges([{ role: 'tool', toolCallId: 'x', content: '{}' }, { role: 'user', content: 'Hi' }]);
 * // [{ role: 'user', content: 'Hi' }]
 */
export function completeToolExchanges(messages: readonly ChatMessage[]): ChatMessage[] {
  const kept: ChatMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (message === undefined || message.role === 'tool') continue;
    if (message.role !== 'assistant') {
      kept.push(message);
      continue;
    }
    const calls = message.toolCalls ?? [];
    const results: ChatMessage[] = [];
    for (let next = index + 1; next < messages.length; next++) {
      const candidate = messages[next];
      if (candidate?.role !== 'tool') break;
      results.push(candidate);
    }
    const answered = new Set(results.map((result) => (result.role === 'tool' ? result.toolCallId : '')));
    const complete = calls.length > 0 && calls.every((call) => answered.has(call.id));
    if (complete) {
      const ids = new Set(calls.map((call) => call.id));
      kept.push(message, ...results.filter((result) => result.role === 'tool' && ids.has(result.toolCallId)));
      index += results.length;
    } else if ((message.content ?? '') !== '') {
      kept.push({ role: 'assistant', content: message.content });
    }
  }
  return kept;
}

/**
 * Where a transcript breaks the tool-call rules Azure OpenAI enforces: the index of the first tool
 * message that answers no call of the assistant message before it, or of an assistant message with a call
 * left unanswered; undefined when there is none. System messages do not interrupt an exchange.
 */
export function firstBrokenToolExchange(messages: readonly ChatMessage[]): number | undefined {
  let open = new Set<string>();
  let openedAt = -1;
  for (const [index, message] of messages.entries()) {
    if (message.role === 'system') continue;
    if (message.role === 'tool') {
      if (!open.delete(message.toolCallId)) return index;
      continue;
    }
    if (open.size > 0) return openedAt;
    open = new Set(message.role === 'assistant' ? (message.toolCalls ?? []).map((call) => call.id) : []);
    openedAt = index;
  }
  return open.size > 0 ? openedAt : undefined;
}
