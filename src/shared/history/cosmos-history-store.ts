// Longer than 200 lines because the queries, the ETag allocation of sequence numbers and the idempotent
// append share one closure over the container and its documents; apart, each would need the other two.
import type { Container } from '@azure/cosmos';
import * as z from 'zod';

import { CONTINUATION_REJECTED, cosmosCall, cosmosStatus } from '../cosmos/cosmos-containers';
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
  _etag: z.string().optional(),
});

const messageDoc = storedMessageSchema.extend({
  seq: z.number().int().nonnegative(),
  createdAt: z.string(),
  turnIndex: z.number().int().optional(),
});

const MAX_ALLOCATION_ATTEMPTS = 20;

const toSummary = (doc: z.infer<typeof conversationDoc>): ConversationSummary => ({
  id: doc.id,
  title: doc.title,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  messageCount: doc.messageCount,
});

const toMessage = ({ turnIndex: _index, ...doc }: z.infer<typeof messageDoc>): StoredMessage => doc;

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

  /** Reserves `count` sequence numbers: conditional patch on the conversation's ETag, retried on 412. */
  const allocate = async (userId: string, conversationId: string, count: number, now: string) => {
    let charge = 0;
    for (let attempt = 1; attempt <= MAX_ALLOCATION_ATTEMPTS; attempt++) {
      const current = await readConversation(userId, conversationId);
      if (current === undefined) return undefined;
      charge += current.charge;
      try {
        const patched = await cosmosCall(
          async () =>
            (await container())
              .item(conversationId, userId)
              .patch(
                [
                  { op: 'set', path: '/messageCount', value: current.doc.messageCount + count },
                  { op: 'set', path: '/updatedAt', value: now },
                  ...(options.ttlSeconds === undefined
                    ? []
                    : [{ op: 'set' as const, path: '/ttl', value: options.ttlSeconds }]),
                ],
                { accessCondition: { type: 'IfMatch', condition: current.etag } },
              ),
          [412],
        );
        return { start: current.doc.messageCount, charge: charge + patched.requestCharge };
      } catch (error) {
        if (cosmosStatus(error) !== 412) throw error;
        // Another turn took these numbers first: back off a little, with jitter, and read again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
    throw new Error(
      `could not allocate message numbers for ${conversationId} after ${MAX_ALLOCATION_ATTEMPTS} attempts`,
    );
  };

  const writeMessages = async (turn: TurnRecord, start: number, indexes: number[]) => {
    const results = await Promise.all(
      indexes.map(async (index) => {
        const message = turn.messages[index];
        if (message === undefined) return 0;
        const doc = {
          id: `${turn.conversationId}.${turn.turnId}.${index}`,
          type: 'message',
          userId: turn.userId,
          conversationId: turn.conversationId,
          turnId: turn.turnId,
          turnIndex: index,
          seq: start + index,
          createdAt: turn.createdAt,
          ...message,
          ...ttl,
        };
        try {
          return (await cosmosCall(async () => (await container()).items.create(doc), [409])).requestCharge;
        } catch (error) {
          if (cosmosStatus(error) === 409) return 0; // already written by an earlier delivery
          throw error;
        }
      }),
    );
    return results.reduce((sum, charge) => sum + charge, 0);
  };

  return {
    async getConversation(userId, conversationId) {
      return (await readConversation(userId, conversationId))?.doc;
    },

    async recentMessages(userId, conversationId, limit) {
      const { items } = await query(
        userId,
        `SELECT TOP ${Math.max(1, Math.floor(limit))} * FROM c WHERE c.userId = @userId AND c.type = 'message' AND c.conversationId = @conversationId ORDER BY c.seq DESC`,
        [{ name: '@conversationId', value: conversationId }],
        messageDoc,
        { size: limit },
      );
      return items.map(toMessage).reverse();
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

    async listMessages(userId, conversationId, page) {
      const result = await query(
        userId,
        "SELECT * FROM c WHERE c.userId = @userId AND c.type = 'message' AND c.conversationId = @conversationId ORDER BY c.seq ASC",
        [{ name: '@conversationId', value: conversationId }],
        messageDoc,
        page,
      );
      return {
        items: result.items.map(toMessage),
        ...(result.continuationToken ? { continuationToken: result.continuationToken } : {}),
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
      // A redelivered turn may be written already, wholly or in part: finish it with the numbers it got.
      const existing = await query(
        userId,
        "SELECT c.turnIndex, c.seq FROM c WHERE c.userId = @userId AND c.type = 'message' AND c.conversationId = @conversationId AND c.turnId = @turnId",
        [
          { name: '@conversationId', value: conversationId },
          { name: '@turnId', value: turn.turnId },
        ],
        z.object({ turnIndex: z.number().int(), seq: z.number().int() }),
        { size: 200 },
      );
      charge += existing.requestCharge;
      const written = new Set(existing.items.map((item) => item.turnIndex));
      const missing = turn.messages.map((_, index) => index).filter((index) => !written.has(index));
      if (missing.length === 0) return { written: 0, requestCharge: charge };

      const first = existing.items[0];
      let start: number;
      if (first !== undefined) {
        start = first.seq - first.turnIndex;
      } else {
        const allocation = await allocate(userId, conversationId, turn.messages.length, turn.createdAt);
        if (allocation === undefined) return { written: 0, requestCharge: charge }; // deleted meanwhile
        start = allocation.start;
        charge += allocation.charge;
      }
      charge += await writeMessages(turn, start, missing);
      return { written: missing.length, requestCharge: charge };
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
