import { randomUUID } from 'node:crypto';

import type { StoredMessage } from '../history/history-store';
import type { StoredMessageInput, TurnRecord } from '../history/turn-record';
import type { Caller } from '../identity/caller';
import type { ChatMessage } from '../model/chat-model';

/** A message as the loop sees it, possibly marked as cut off. */
export type TurnMessage = ChatMessage & { readonly incomplete?: boolean };

const TITLE_CHARS = 80;

export function toTurnRecord(input: {
  caller: Pick<Caller, 'userId'>;
  conversationId: string;
  isNew: boolean;
  correlationId: string;
  messages: readonly TurnMessage[];
  /** A fixed id makes writing the turn idempotent across retries (batch items); default: a new one. */
  turnId?: string;
  title?: string;
  /** When the turn started (its place in the conversation); default: now. */
  startedAt?: string;
}): TurnRecord {
  const messages = input.messages.flatMap((message): StoredMessageInput[] => {
    if (message.role === 'assistant') {
      const calls = message.toolCalls ?? [];
      return [
        {
          role: 'assistant',
          content: message.content ?? '',
          ...(calls.length === 0 ? {} : { toolCalls: calls.map((call) => ({ ...call })) }),
          ...(message.incomplete === true ? { incomplete: true } : {}),
        },
      ];
    }
    if (message.role === 'tool')
      return [{ role: 'tool', content: message.content, toolCallId: message.toolCallId }];
    if (message.role === 'user') return [{ role: 'user', content: message.content }];
    return [];
  });
  const firstUser = messages.find((message) => message.role === 'user')?.content ?? 'Conversation';
  return {
    version: 1,
    correlationId: input.correlationId.slice(0, 128),
    userId: input.caller.userId,
    conversationId: input.conversationId,
    turnId: input.turnId ?? randomUUID(),
    isNewConversation: input.isNew,
    title: (input.title ?? firstUser).replace(/\s+/g, ' ').trim().slice(0, TITLE_CHARS),
    createdAt: new Date().toISOString(),
    ...(input.startedAt === undefined ? {} : { startedAt: input.startedAt }),
    messages,
  };
}

/** Stored history back into model messages. */
export function fromStoredMessages(messages: readonly StoredMessage[]): ChatMessage[] {
  return messages.map((message): ChatMessage => {
    if (message.role === 'tool')
      return { role: 'tool', toolCallId: message.toolCallId ?? '', content: message.content };
    if (message.role === 'user') return { role: 'user', content: message.content };
    return {
      role: 'assistant',
      content: message.content,
      ...(message.toolCalls === undefined ? {} : { toolCalls: message.toolCalls }),
    };
  });
}
