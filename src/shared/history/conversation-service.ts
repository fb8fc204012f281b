import { NotFoundError } from '../errors';
import type { Caller } from '../identity/caller';
import { decodeContinuationToken, encodeContinuationToken } from './continuation-token';
import type { ConversationSummary, HistoryStore, StoredMessage } from './history-store';

export interface ConversationPage {
  readonly conversations: readonly ConversationSummary[];
  readonly continuationToken?: string;
}

export interface ConversationDetail {
  readonly id: string;
  readonly title: string;
  readonly messages: readonly StoredMessage[];
  readonly continuationToken?: string;
}

/** The caller's conversations: another user's conversation, or an unknown one, is simply not found. */
export function createConversationService(store: HistoryStore) {
  const withToken = (token: string | undefined) => {
    const encoded = encodeContinuationToken(token);
    return encoded === undefined ? {} : { continuationToken: encoded };
  };
  const pageOf = (size: number, token: string | undefined) => {
    const decoded = decodeContinuationToken(token);
    return decoded === undefined ? { size } : { size, continuationToken: decoded };
  };
  return {
    async list(
      caller: Caller,
      page: { size: number; continuationToken?: string },
    ): Promise<ConversationPage> {
      const result = await store.listConversations(caller.userId, pageOf(page.size, page.continuationToken));
      return { conversations: result.items, ...withToken(result.continuationToken) };
    },

    async get(
      caller: Caller,
      id: string,
      page: { size: number; continuationToken?: string },
    ): Promise<ConversationDetail> {
      const conversation = await store.getConversation(caller.userId, id);
      if (conversation === undefined) throw new NotFoundError('No such conversation');
      const messages = await store.listMessages(caller.userId, id, pageOf(page.size, page.continuationToken));
      return {
        id,
        title: conversation.title,
        messages: messages.items,
        ...withToken(messages.continuationToken),
      };
    },

    async remove(caller: Caller, id: string): Promise<void> {
      if (!(await store.deleteConversation(caller.userId, id)))
        throw new NotFoundError('No such conversation');
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
