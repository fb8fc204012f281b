import type { UIMessage } from 'ai';

import type { StoredMessage } from '../api-schemas';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type Part = UIMessage['parts'][number];

/**
 * A stored conversation (GET /api/conversations/{id}) as useChat's UI messages: each user message, and
 * each answer with its tool calls (their results attached) and text, as the live stream showed them.
 */
export function storedToUIMessages(messages: readonly StoredMessage[]): UIMessage[] {
  const result: UIMessage[] = [];
  let answer: { id: string; parts: Part[] } | undefined;
  const outputs = new Map(
    messages.flatMap((message) =>
      message.role === 'tool' && message.toolCallId !== undefined
        ? [[message.toolCallId, parseJson(message.content)] as const]
        : [],
    ),
  );
  for (const message of messages) {
    if (message.role === 'user') {
      answer = undefined;
      result.push({
        id: `stored-${message.seq}`,
        role: 'user',
        parts: [{ type: 'text', text: message.content }],
      });
      continue;
    }
    if (message.role === 'tool') continue;
    if (answer === undefined) {
      answer = { id: `stored-${message.seq}`, parts: [] };
      result.push({ id: answer.id, role: 'assistant', parts: answer.parts });
    }
    for (const call of message.toolCalls ?? []) {
      const output = outputs.get(call.id);
      const base = { type: 'dynamic-tool', toolName: call.name, toolCallId: call.id } as const;
      const input = parseJson(call.arguments);
      answer.parts.push(
        output === undefined
          ? { ...base, state: 'input-available', input }
          : { ...base, state: 'output-available', input, output },
      );
    }
    if (message.content !== '') answer.parts.push({ type: 'text', text: message.content, state: 'done' });
  }
  return result;
}
