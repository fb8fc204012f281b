// Longer than 200 lines because the job, its slices, its results and the recovery function's view of it are
// documents of one partition, written with the same create, patch and query helpers.
import type { Container, PatchRequestBody } from '@azure/cosmos';
import * as z from 'zod';

import { CONTINUATION_REJECTED, cosmosCall, cosmosStatus } from '../cosmos/cosmos-containers';
import { batchItemSchema, batchSliceSchema } from './batch-messages';
import { type BatchJob, type BatchStore, type FanOut, type ItemResult, sameProgress } from './batch-store';
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
  slices: z.number().int().optional(),
  fanOut: z.object({ owner: z.string(), leaseUntil: z.string(), queuedSlices: z.number().int() }).optional(),
  progress: z
    .object({
      done: z.number().int(),
      since: z.string(),
      checkedAt: z.string().optional(),
      redrives: z.number().int(),
    })
    .optional(),
  _etag: z.string().optional(),
});

const sliceDoc = z.object({ slice: z.number().int(), message: batchSliceSchema });

const resultDoc = z.object({
  index: z.number().int(),
  input: batchItemSchema,
  output: z.unknown().optional(),
  error: z.string().optional(),
  completedAt: z.string(),
});

const resultId = (index: number) => `result-${index}`;
// A slice's id names the submission it came from: a different body under a reused key never overwrites it.
const sliceId = (requestHash: string, slice: number) => `slice-${requestHash.slice(0, 16)}-${slice}`;
const errorId = (index: number) => `attempt-error-${index}`;
// One per job: when a delivery of its items last ended without their outcomes.
const ATTEMPT_ID = 'last-attempt';

const WRITE_CONCURRENCY = 16;

function toJob(resource: unknown): BatchJob | undefined {
  const parsed = jobDoc.safeParse(resource);
  if (!parsed.success) return undefined;
  const { type: _type, _etag, extraction, ...job } = parsed.data;
  return { ...job, extraction: extraction ?? extractionModeOf(job.schema) };
}

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
  const patch = async (jobId: string, operations: PatchRequestBody) => {
    await cosmosCall(async () => (await container()).item(jobId, jobId).patch(operations));
  };
  /**
   * Patches the job document with what `change` makes of it, If-Match the ETag it was read with, reading
   * again when another write came between; false when `change` refuses (undefined). A filter predicate
   * would save the read, but the local emulator lowercases it, so no camelCase path ever matches there.
   */
  const patchIf = async (jobId: string, change: (job: BatchJob) => PatchRequestBody | undefined) => {
    for (;;) {
      const response = await cosmosCall(async () => (await container()).item(jobId, jobId).read(), [404]);
      const job = toJob(response.resource);
      const operations = job === undefined ? undefined : change(job);
      if (operations === undefined) return false;
      try {
        await cosmosCall(
          async () =>
            (await container()).item(jobId, jobId).patch(operations, {
              accessCondition: { type: 'IfMatch', condition: response.etag },
            }),
          [412],
        );
        return true;
      } catch (error) {
        if (cosmosStatus(error) !== 412) throw error;
      }
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
    createJob: (job) => create({ id: job.jobId, type: 'job', open: true, ...job }),

    async getJob(jobId) {
      return toJob(await read(jobId, jobId));
    },

    async saveSlices(jobId, requestHash, slices) {
      for (let start = 0; start < slices.length; start += WRITE_CONCURRENCY) {
        await Promise.all(
          slices.slice(start, start + WRITE_CONCURRENCY).map((message, offset) =>
            create({
              id: sliceId(requestHash, start + offset),
              type: 'slice',
              jobId,
              slice: start + offset,
              message,
            }),
          ),
        );
      }
    },

    async getSlices(jobId, requestHash) {
      const response = await cosmosCall(async () =>
        (await container()).items
          .query(
            {
              query:
                "SELECT c.slice, c.message FROM c WHERE c.jobId = @jobId AND c.type = 'slice' AND STARTSWITH(c.id, @prefix)",
              parameters: [
                { name: '@jobId', value: jobId },
                { name: '@prefix', value: `slice-${requestHash.slice(0, 16)}-` },
              ],
            },
            { partitionKey: jobId },
          )
          .fetchAll(),
      );
      return response.resources
        .flatMap((resource: unknown) => {
          const parsed = sliceDoc.safeParse(resource);
          return parsed.success ? [parsed.data] : [];
        })
        .sort((a, b) => a.slice - b.slice)
        .map((doc) => doc.message);
    },

    async claimFanOut(jobId, owner, leaseUntil) {
      let claimed: FanOut | undefined;
      const taken = await patchIf(jobId, (job) => {
        if (job.fannedOut) return undefined;
        const held = job.fanOut;
        if (held !== undefined && held.owner !== owner && held.leaseUntil > new Date().toISOString())
          return undefined; // another submission holds it
        claimed = { owner, leaseUntil, queuedSlices: held?.queuedSlices ?? 0 };
        return [{ op: 'set', path: '/fanOut', value: claimed }];
      });
      return taken ? claimed : undefined;
    },

    recordFanOut: (jobId, fanOut, done) =>
      patchIf(jobId, (job) =>
        job.fanOut?.owner === fanOut.owner
          ? [
              { op: 'set', path: '/fanOut', value: fanOut },
              ...(done ? [{ op: 'set' as const, path: '/fannedOut', value: true }] : []),
            ]
          : undefined,
      ),

    async openJobs() {
      const response = await cosmosCall(async () =>
        (await container()).items
          .query({ query: "SELECT * FROM c WHERE c.type = 'job' AND c.open = true" })
          .fetchAll(),
      );
      return response.resources.flatMap((resource: unknown) => {
        const job = toJob(resource);
        return job === undefined ? [] : [job];
      });
    },

    recordProgress: (jobId, progress, expected) =>
      patchIf(jobId, (job) =>
        sameProgress(job.progress, expected)
          ? [{ op: 'set', path: '/progress', value: progress }]
          : undefined,
      ),

    async closeJob(jobId) {
      await patch(jobId, [{ op: 'set', path: '/open', value: false }]);
    },

    async resultIndexes(jobId) {
      const response = await cosmosCall(async () =>
        (await container()).items
          .query(
            {
              query: "SELECT VALUE c.index FROM c WHERE c.jobId = @jobId AND c.type = 'result'",
              parameters: [{ name: '@jobId', value: jobId }],
            },
            { partitionKey: jobId },
          )
          .fetchAll(),
      );
      return new Set(
        response.resources.flatMap((value: unknown) => (typeof value === 'number' ? [value] : [])),
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

    async recordAttempt(jobId, at) {
      await cosmosCall(async () =>
        (await container()).items.upsert({ id: ATTEMPT_ID, type: 'attempt', jobId, attemptedAt: at }),
      );
    },

    async lastAttemptAt(jobId) {
      const parsed = z.object({ attemptedAt: z.string() }).safeParse(await read(ATTEMPT_ID, jobId));
      return parsed.success ? parsed.data.attemptedAt : undefined;
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
