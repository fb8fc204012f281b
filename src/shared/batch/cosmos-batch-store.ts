import type { Container } from '@azure/cosmos';
import * as z from 'zod';

import { CONTINUATION_REJECTED, cosmosCall, cosmosStatus } from '../cosmos/cosmos-containers';
import { batchItemSchema } from './batch-messages';
import type { BatchStore, ItemResult } from './batch-store';
import { extractionModeOf } from './extraction-mode';

const extractionSchema = z.union([
  z.object({ mode: z.literal('strict'), transformations: z.array(z.string()) }),
  z.object({ mode: z.literal('validated'), reason: z.string() }),
]);

const jobDoc = z.object({
  jobId: z.string(),
  type: z.literal('job'),
  userId: z.string(),
  name: z.string().optional(),
  schema: z.record(z.string(), z.unknown()),
  instructions: z.string().optional(),
  total: z.number().int(),
  createdAt: z.string(),
  requestHash: z.string(),
  fannedOut: z.boolean(),
  // Jobs stored before extraction modes existed are decided now, from their schema.
  extraction: extractionSchema.optional(),
});

const resultDoc = z.object({
  index: z.number().int(),
  input: batchItemSchema,
  output: z.unknown().optional(),
  error: z.string().optional(),
  completedAt: z.string(),
});

const resultId = (index: number) => `result-${index}`;
const errorId = (index: number) => `attempt-error-${index}`;

/** Batch jobs in the `batch` container (partition key /jobId); every query names its job. */
export function createCosmosBatchStore(container: () => Promise<Container>): BatchStore {
  const create = async (doc: Record<string, unknown>) => {
    try {
      await cosmosCall(async () => (await container()).items.create(doc), [409]);
      return 'created' as const;
    } catch (error) {
      if (cosmosStatus(error) === 409) return 'exists' as const;
      throw error;
    }
  };
  const read = async (id: string, jobId: string): Promise<unknown> => {
    const response = await cosmosCall(async () => (await container()).item(id, jobId).read(), [404]);
    return response.statusCode === 404 ? undefined : response.resource;
  };
  const count = async (jobId: string, outcome: 'succeeded' | 'failed') => {
    const response = await cosmosCall(async () =>
      (await container()).items
        .query<number>(
          {
            query:
              "SELECT VALUE COUNT(1) FROM c WHERE c.jobId = @jobId AND c.type = 'result' AND c.outcome = @outcome",
            parameters: [
              { name: '@jobId', value: jobId },
              { name: '@outcome', value: outcome },
            ],
          },
          { partitionKey: jobId },
        )
        .fetchAll(),
    );
    return z.number().int().catch(0).parse(response.resources[0]);
  };

  return {
    createJob: (job) => create({ id: job.jobId, type: 'job', ...job }),

    async getJob(jobId) {
      const parsed = jobDoc.safeParse(await read(jobId, jobId));
      if (!parsed.success) return undefined;
      const { type: _type, extraction, ...job } = parsed.data;
      return { ...job, extraction: extraction ?? extractionModeOf(job.schema) };
    },

    async markFannedOut(jobId) {
      await cosmosCall(async () =>
        (await container()).item(jobId, jobId).patch([{ op: 'set', path: '/fannedOut', value: true }]),
      );
    },

    async hasResult(jobId, index) {
      return (await read(resultId(index), jobId)) !== undefined;
    },

    saveResult: (jobId, result) =>
      create({
        id: resultId(result.index),
        type: 'result',
        jobId,
        outcome: result.error === undefined ? 'succeeded' : 'failed',
        ...result,
      }),

    async recordAttemptError(jobId, index, error) {
      await cosmosCall(async () =>
        (await container()).items.upsert({
          id: errorId(index),
          type: 'attempt-error',
          jobId,
          index,
          error: error.slice(0, 2000),
        }),
      );
    },

    async lastAttemptError(jobId, index) {
      const parsed = z.object({ error: z.string() }).safeParse(await read(errorId(index), jobId));
      return parsed.success ? parsed.data.error : undefined;
    },

    async counts(jobId) {
      const [succeeded, failed, latest] = await Promise.all([
        count(jobId, 'succeeded'),
        count(jobId, 'failed'),
        cosmosCall(async () =>
          (await container()).items
            .query(
              {
                query:
                  "SELECT TOP 1 c.completedAt FROM c WHERE c.jobId = @jobId AND c.type = 'result' ORDER BY c.completedAt DESC",
                parameters: [{ name: '@jobId', value: jobId }],
              },
              { partitionKey: jobId },
            )
            .fetchAll(),
        ),
      ]);
      const last = z.object({ completedAt: z.string() }).safeParse(latest.resources[0]);
      return { succeeded, failed, ...(last.success ? { lastCompletedAt: last.data.completedAt } : {}) };
    },

    async listResults(jobId, page) {
      const response = await cosmosCall(
        async () =>
          (await container()).items
            .query(
              {
                query: "SELECT * FROM c WHERE c.jobId = @jobId AND c.type = 'result' ORDER BY c.index ASC",
                parameters: [{ name: '@jobId', value: jobId }],
              },
              {
                partitionKey: jobId,
                maxItemCount: page.size,
                ...(page.continuationToken === undefined
                  ? {}
                  : { continuationToken: page.continuationToken }),
              },
            )
            .fetchNext(),
        page.continuationToken === undefined ? [] : [CONTINUATION_REJECTED],
      );
      const items = response.resources.flatMap((resource: unknown): ItemResult[] => {
        const parsed = resultDoc.safeParse(resource);
        return parsed.success ? [parsed.data] : [];
      });
      return {
        items,
        ...(response.continuationToken ? { continuationToken: response.continuationToken } : {}),
      };
    },
  };
}
