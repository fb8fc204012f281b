// Longer than 200 lines because the queries, the ETag-conditional count and the idempotent append share
// one closure over the container and its documents; apart, each would need the other two.
import type { Container } from '@azure/cosmos';
import * as z from 'zod';

import { CONTINUATION_REJECTED, cosmosCall, cosmosStatus } from '../cosmos/cosmos-containers';
import { UpstreamError, ValidationError } from '../errors';
import type { ConversationSummary, HistoryStore, StoredMessage } from './history-store';
import { storedMessageSchema, type TurnRecord } from './turn-record';

const conversationDoc = z.object({
  id: z.string(),
  userId: z.string(),
  type: z.literal('conversation'),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messageCount: z.number().int().nonnegative(),
  /** The last turns counted in messageCount: a second writer of the same turn counts nothing. */
  countedTurns: z.array(z.string()).optional(),
  _etag: z.string().optional(),
});

const messageDoc = storedMessageSchema.extend({
  createdAt: z.string(),
  turnIndex: z.number().int().optional(),
  /** The message's place: its turn's start, its turn id, its index in the turn; fixed when the turn starts. */
  position: z.string(),
});

// Our continuation token of a message page: Cosmos DB's, and how many messages came before the page.
const messagePageToken = z.object({ c: z.string().min(1), o: z.number().int().nonnegative() });

const MAX_COUNT_ATTEMPTS = 50;
const COUNTED_TURNS = 32;

/** Sorts as the conversation reads: by when the turn started, then the turn, then the message in it. */
export const messagePosition = (turn: TurnRecord, index: number): string =>
  `${turn.startedAt ?? turn.createdAt}|${turn.turnId}|${String(index).padStart(4, '0')}`;

const toSummary = (doc: z.infer<typeof conversationDoc>): ConversationSummary => ({
  id: doc.id,
  title: doc.title,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  messageCount: doc.messageCount,
});

const toMessage = (
  { turnIndex: _index, position: _position, ...doc }: z.infer<typeof messageDoc>,
  seq: number,
): StoredMessage => ({ ...doc, seq });

/**
 * History in one container partitioned by user id: a small conversation document plus one document per
 * message, so appending costs the same at turn 200 as at turn 2 and no document nears the 2 MB limit.
 * Every query filters by the user explicitly (the local emulator ignores the partitionKey option).
 */
export function createCosmosHistoryStore(
  container: () => Promise<Container>,
  options: { ttlSeconds?: number },
): HistoryStore {
  const ttl = options.ttlSeconds === undefined ? {} : { ttl: options.ttlSeconds };

  const readConversation = async (userId: string, id: string) => {
    const response = await cosmosCall(async () => (await container()).item(id, userId).read(), [404]);
    if (response.statusCode === 404 || response.resource === undefined) return undefined;
    const parsed = conversationDoc.safeParse(response.resource);
    return parsed.success && parsed.data.userId === userId
      ? { doc: parsed.data, etag: response.etag, charge: response.requestCharge }
      : undefined;
  };

  const query = async <T>(
    userId: string,
    text: string,
    parameters: { name: string; value: string | number }[],
    schema: z.ZodType<T>,
    page: { size: number; continuationToken?: string },
  ) => {
    const response = await cosmosCall(
      async () =>
        (await container()).items
          .query(
            { query: text, parameters: [{ name: '@userId', value: userId }, ...parameters] },
            {
              maxItemCount: page.size,
              partitionKey: userId,
              ...(page.continuationToken === undefined ? {} : { continuationToken: page.continuationToken }),
            },
          )
          .fetchNext(),
      page.continuationToken === undefined ? [] : [CONTINUATION_REJECTED],
    );
    return {
      items: response.resources.flatMap((resource: unknown) => {
        const parsed = schema.safeParse(resource);
        return parsed.success ? [parsed.data] : [];
      }),
      requestCharge: response.requestCharge,
      ...(response.continuationToken ? { continuationToken: response.continuationToken } : {}),
    };
  };

  /**
   * Adds the turn's messages to the conversation's count, once: an ETag-conditional patch that also records
   * the turn among the last counted ones, retried on 412. False when the conversation is gone.
   */
  const count = async (turn: TurnRecord, first: Awaited<ReturnType<typeof readConversation>>) => {
    let current = first;
    let charge = 0;
    for (let attempt = 1; attempt <= MAX_COUNT_ATTEMPTS; attempt++) {
      if (current === undefined) return { counted: false, charge };
      const { doc, etag } = current;
      const counted = doc.countedTurns ?? [];
      if (counted.includes(turn.turnId)) return { counted: true, charge };
      const updatedAt = doc.updatedAt > turn.createdAt ? doc.updatedAt : turn.createdAt;
      try {
        const patched = await cosmosCall(
          async () =>
            (await container()).item(turn.conversationId, turn.userId).patch(
              [
                { op: 'set', path: '/messageCount', value: doc.messageCount + turn.messages.length },
                { op: 'set', path: '/updatedAt', value: updatedAt },
                {
                  op: 'set',
                  path: '/countedTurns',
                  value: [...counted, turn.turnId].slice(-COUNTED_TURNS),
                },
                ...(options.ttlSeconds === undefined
                  ? []
                  : [{ op: 'set' as const, path: '/ttl', value: options.ttlSeconds }]),
              ],
              { accessCondition: { type: 'IfMatch', condition: etag } },
            ),
          [412],
        );
        return { counted: true, charge: charge + patched.requestCharge };
      } catch (error) {
        if (cosmosStatus(error) !== 412) throw error;
        // Another turn counted first: back off a little, with jitter, and read again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
        current = await readConversation(turn.userId, turn.conversationId);
        charge += current?.charge ?? 0;
      }
    }
    throw new UpstreamError(
      503,
      'storage_busy',
      `too many turns at once on conversation ${turn.conversationId}; retry shortly`,
      1,
    );
  };

  /** Creates each message document; one an earlier delivery (or a racing writer) wrote is left as it is. */
  const writeMessages = async (turn: TurnRecord) => {
    const results = await Promise.all(
      turn.messages.map(async (message, index) => {
        const doc = {
          id: `${turn.conversationId}.${turn.turnId}.${index}`,
          type: 'message',
          userId: turn.userId,
          conversationId: turn.conversationId,
          turnId: turn.turnId,
          turnIndex: index,
          position: messagePosition(turn, index),
          createdAt: turn.createdAt,
          ...message,
          ...ttl,
        };
        try {
          const created = await cosmosCall(async () => (await container()).items.create(doc), [409]);
          return { written: 1, charge: created.requestCharge };
        } catch (error) {
          if (cosmosStatus(error) === 409) return { written: 0, charge: 0 };
          throw error;
        }
      }),
    );
    return {
      written: results.reduce((sum, result) => sum + result.written, 0),
      charge: results.reduce((sum, result) => sum + result.charge, 0),
    };
  };

  /** Cosmos DB's token and the page's offset, from our token (a bare Cosmos token counts from 0). */
  const readPageToken = (token: string | undefined) => {
    if (token === undefined) return { offset: 0 };
    let parsed: unknown;
    try {
      parsed = JSON.parse(token);
    } catch {
      parsed = undefined;
    }
    const ours = messagePageToken.safeParse(parsed);
    if (ours.success) return { offset: ours.data.o, continuationToken: ours.data.c };
    if (typeof parsed === 'object' && parsed !== null && 'o' in parsed)
      throw new ValidationError(
        'The continuation token is not valid',
        [{ path: 'continuationToken', message: 'not a token this API issued' }],
        'invalid_continuation_token',
      );
    return { offset: 0, continuationToken: token };
  };

  return {
    async getConversation(userId, conversationId) {
      return (await readConversation(userId, conversationId))?.doc;
    },

    async recentMessages(userId, conversationId, limit) {
      const { items } = await query(
        userId,
        `SELECT TOP ${Math.max(1, Math.floor(limit))} * FROM c WHERE c.userId = @userId AND c.type = 'message' AND c.conversationId = @conversationId ORDER BY c.position DESC`,
        [{ name: '@conversationId', value: conversationId }],
        messageDoc,
        { size: limit },
      );
      return items.reverse().map((item, index) => toMessage(item, index));
    },

    async listConversations(userId, page) {
      const result = await query(
        userId,
        "SELECT * FROM c WHERE c.userId = @userId AND c.type = 'conversation' ORDER BY c.updatedAt DESC",
        [],
        conversationDoc,
        page,
      );
      return {
        items: result.items.map(toSummary),
        ...(result.continuationToken ? { continuationToken: result.continuationToken } : {}),
      };
    },

    // A message's seq is its place in the conversation as it reads now, counted as pages are read: a turn
    // whose write was delayed lands in its place, and the messages after it move up.
    async listMessages(userId, conversationId, page) {
      const { offset, continuationToken } = readPageToken(page.continuationToken);
      const result = await query(
        userId,
        "SELECT * FROM c WHERE c.userId = @userId AND c.type = 'message' AND c.conversationId = @conversationId ORDER BY c.position ASC",
        [{ name: '@conversationId', value: conversationId }],
        messageDoc,
        continuationToken === undefined ? { size: page.size } : { size: page.size, continuationToken },
      );
      const next =
        result.continuationToken === undefined
          ? undefined
          : JSON.stringify({ c: result.continuationToken, o: offset + result.items.length });
      return {
        items: result.items.map((item, index) => toMessage(item, offset + index)),
        ...(next === undefined ? {} : { continuationToken: next }),
      };
    },

    async appendTurn(turn) {
      const { userId, conversationId } = turn;
      let charge = 0;
      if (turn.isNewConversation) {
        const doc = {
          id: conversationId,
          userId,
          type: 'conversation',
          title: turn.title,
          createdAt: turn.createdAt,
          updatedAt: turn.createdAt,
          messageCount: 0,
          ...ttl,
        };
        try {
          charge += (await cosmosCall(async () => (await container()).items.create(doc), [409]))
            .requestCharge;
        } catch (error) {
          if (cosmosStatus(error) !== 409) throw error; // 409: created by an earlier delivery of this turn
        }
      }
      // The conversation first (a turn of a conversation deleted meanwhile writes nothing), then the
      // messages (each idempotent, in its place already), then the count (once per turn).
      const conversation = await readConversation(userId, conversationId);
      if (conversation === undefined) return { written: 0, requestCharge: charge };
      charge += conversation.charge;
      const messages = await writeMessages(turn);
      const counted = await count(turn, conversation);
      return { written: messages.written, requestCharge: charge + messages.charge + counted.charge };
    },

    async deleteConversation(userId, conversationId) {
      if ((await readConversation(userId, conversationId)) === undefined) return false;
      // Messages first, the conversation last: an interrupted delete can simply be repeated.
      for (;;) {
        const batch = await query(
          userId,
          "SELECT c.id FROM c WHERE c.userId = @userId AND c.type = 'message' AND c.conversationId = @conversationId",
          [{ name: '@conversationId', value: conversationId }],
          z.object({ id: z.string() }),
          { size: 100 },
        );
        if (batch.items.length === 0) break;
        await Promise.all(
          batch.items.map((item) =>
            cosmosCall(async () => (await container()).item(item.id, userId).delete(), [404]).catch(
              (error: unknown) => {
                if (cosmosStatus(error) !== 404) throw error;
              },
            ),
          ),
        );
      }
      await cosmosCall(async () => (await container()).item(conversationId, userId).delete(), [404]).catch(
        (error: unknown) => {
          if (cosmosStatus(error) !== 404) throw error;
        },
      );
      return true;
    },
  };
}
