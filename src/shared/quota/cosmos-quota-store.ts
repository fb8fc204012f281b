import type { Container } from '@azure/cosmos';
import { z } from 'zod';

import { cosmosCall, cosmosStatus } from '../cosmos/cosmos-containers';
import type { CounterKey, QuotaStore } from './quota-store';

const counterDoc = z.object({ used: z.number() });
const gaugeDoc = z.object({ holders: z.record(z.string(), z.string()), _etag: z.string() });

const counterId = (counter: CounterKey) => `${counter.name}:${counter.window}`;
const gaugeId = (gauge: string) => `gauge:${gauge}`;
// A counter is kept a day past its window (for GET /api/me/usage around midnight), then expires.
const ttlOf = (counter: CounterKey) =>
  Math.max(60, Math.ceil((counter.endsAt.getTime() - Date.now()) / 1_000) + 86_400);

/**
 * Quota counters in the `quotas` container (partition key /userId). A counter grows with Cosmos DB's
 * atomic patch `incr`, so concurrent instances never lose an increment; a gauge is replaced only when
 * its ETag still matches.
 */
export function createCosmosQuotaStore(container: () => Promise<Container>): QuotaStore {
  const readDoc = async (id: string, userId: string): Promise<unknown> => {
    const response = await cosmosCall(async () => (await container()).item(id, userId).read(), [404]);
    return response.statusCode === 404 ? undefined : response.resource;
  };

  return {
    async add(userId, counter, amount) {
      const id = counterId(counter);
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const response = await cosmosCall(
            async () =>
              (await container()).item(id, userId).patch([{ op: 'incr', path: '/used', value: amount }]),
            [404],
          );
          return counterDoc.parse(response.resource).used;
        } catch (error) {
          if (cosmosStatus(error) !== 404) throw error;
        }
        try {
          const doc = {
            id,
            userId,
            type: 'counter',
            name: counter.name,
            window: counter.window,
            used: amount,
            ttl: ttlOf(counter),
          };
          await cosmosCall(async () => (await container()).items.create(doc), [409]);
          return amount;
        } catch (error) {
          if (cosmosStatus(error) !== 409) throw error; // another instance created it first: patch it
        }
      }
      throw new Error(`the quota counter ${id} could not be written`);
    },

    async read(userId, counters) {
      return Promise.all(
        counters.map(async (counter) => {
          const parsed = counterDoc.safeParse(await readDoc(counterId(counter), userId));
          return parsed.success ? parsed.data.used : 0;
        }),
      );
    },

    async holders(userId, gauge) {
      const parsed = gaugeDoc.safeParse(await readDoc(gaugeId(gauge), userId));
      return parsed.success ? { holders: parsed.data.holders, version: parsed.data._etag } : { holders: {} };
    },

    async replaceHolders(userId, gauge, holders, expected) {
      const doc = { id: gaugeId(gauge), userId, type: 'gauge', name: gauge, holders };
      try {
        if (expected === undefined)
          await cosmosCall(async () => (await container()).items.create(doc), [409]);
        else
          await cosmosCall(
            async () =>
              (await container())
                .item(doc.id, userId)
                .replace(doc, { accessCondition: { type: 'IfMatch', condition: expected } }),
            [412, 404],
          );
        return true;
      } catch (error) {
        const status = cosmosStatus(error);
        if (status === 409 || status === 412 || status === 404) return false;
        throw error;
      }
    },
  };
}
