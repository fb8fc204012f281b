import type { StoredMessageInput, TurnRecord } from './turn-record';

export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly messageCount: number;
}

export interface StoredMessage extends StoredMessageInput {
  readonly seq: number;
  readonly createdAt: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly continuationToken?: string;
}

/**
 * Conversation history, always scoped to one user: a conversation of another user does not exist for
 * the caller.
 */
export interface HistoryStore {
  getConversation(userId: string, conversationId: string): Promise<ConversationSummary | undefined>;
  /** The newest `limit` messages, oldest first. */
  recentMessages(userId: string, conversationId: string, limit: number): Promise<StoredMessage[]>;
  listConversations(
    userId: string,
    page: { size: number; continuationToken?: string },
  ): Promise<Page<ConversationSummary>>;
  listMessages(
    userId: string,
    conversationId: string,
    page: { size: number; continuationToken?: string },
  ): Promise<Page<StoredMessage>>;
  /** Writes a turn. Idempotent by turnId: writing the same record twice stores it once. */
  appendTurn(turn: TurnRecord): Promise<{ written: number; requestCharge: number }>;
  /** Deletes a conversation and its messages; false when there was nothing to delete. */
  deleteConversation(userId: string, conversationId: string): Promise<boolean>;
}
