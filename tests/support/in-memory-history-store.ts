import type {
  ConversationSummary,
  HistoryStore,
  Page,
  StoredMessage,
} from '../../src/shared/history/history-store';
import type { StoredMessageInput, TurnRecord } from '../../src/shared/history/turn-record';

interface Conversation {
  summary: ConversationSummary;
  /** Each message with its place (when its turn started, the turn, its index), kept in that order. */
  messages: (StoredMessage & { position: string })[];
}

/**
 * The history port in memory, with the Cosmos DB store's rules: every call is scoped to one user, and
 * writing a turn is idempotent by its turn id. `turns` holds each turn as it was first written.
 */
export class InMemoryHistoryStore implements HistoryStore {
  readonly turns: TurnRecord[] = [];
  readonly #conversations = new Map<string, Conversation>();

  /** A stored conversation to continue, as earlier turns would have left it. */
  seed(userId: string, conversationId: string, messages: readonly StoredMessageInput[]): void {
    const now = new Date().toISOString();
    this.#conversations.set(this.#key(userId, conversationId), {
      summary: { id: conversationId, title: 'seeded', createdAt: now, updatedAt: now, messageCount: 0 },
      messages: [],
    });
    this.#add(userId, conversationId, messages, now, `seed-${conversationId}`, now);
  }

  getConversation(userId: string, conversationId: string): Promise<ConversationSummary | undefined> {
    return Promise.resolve(this.#conversations.get(this.#key(userId, conversationId))?.summary);
  }

  recentMessages(userId: string, conversationId: string, limit: number): Promise<StoredMessage[]> {
    const messages = this.#conversations.get(this.#key(userId, conversationId))?.messages ?? [];
    return Promise.resolve(messages.slice(-limit).map(({ position: _position, ...message }) => message));
  }

  listConversations(userId: string, page: { size: number }): Promise<Page<ConversationSummary>> {
    const items = [...this.#conversations.entries()]
      .filter(([key]) => key.startsWith(`${userId}\n`))
      .map(([, conversation]) => conversation.summary);
    return Promise.resolve({ items: items.slice(0, page.size) });
  }

  listMessages(userId: string, conversationId: string, page: { size: number }): Promise<Page<StoredMessage>> {
    const messages = this.#conversations.get(this.#key(userId, conversationId))?.messages ?? [];
    return Promise.resolve({
      items: messages.slice(0, page.size).map(({ position: _position, ...message }) => message),
    });
  }

  appendTurn(turn: TurnRecord): Promise<{ written: number; requestCharge: number }> {
    if (this.turns.some((written) => written.turnId === turn.turnId))
      return Promise.resolve({ written: 0, requestCharge: 1 });
    this.turns.push(structuredClone(turn));
    const key = this.#key(turn.userId, turn.conversationId);
    if (!this.#conversations.has(key)) {
      this.#conversations.set(key, {
        summary: {
          id: turn.conversationId,
          title: turn.title,
          createdAt: turn.createdAt,
          updatedAt: turn.createdAt,
          messageCount: 0,
        },
        messages: [],
      });
    }
    this.#add(
      turn.userId,
      turn.conversationId,
      turn.messages,
      turn.createdAt,
      turn.turnId,
      turn.startedAt ?? turn.createdAt,
    );
    return Promise.resolve({ written: turn.messages.length, requestCharge: 1 });
  }

  deleteConversation(userId: string, conversationId: string): Promise<boolean> {
    return Promise.resolve(this.#conversations.delete(this.#key(userId, conversationId)));
  }

  #add(
    userId: string,
    conversationId: string,
    messages: readonly StoredMessageInput[],
    at: string,
    turnId: string,
    startedAt: string,
  ): void {
    const conversation = this.#conversations.get(this.#key(userId, conversationId));
    if (conversation === undefined) return;
    messages.forEach((message, index) => {
      const position = `${startedAt}|${turnId}|${String(index).padStart(4, '0')}`;
      conversation.messages.push({ ...message, seq: 0, createdAt: at, position });
    });
    conversation.messages.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    conversation.messages = conversation.messages.map((message, seq) => ({ ...message, seq }));
    conversation.summary = {
      ...conversation.summary,
      updatedAt: at,
      messageCount: conversation.messages.length,
    };
  }

  #key(userId: string, conversationId: string): string {
    return `${userId}\n${conversationId}`;
  }
}
