import * as z from 'zod';

import { batchItemSchema, jobIdSchema } from '../../batch/batch-messages';
import type { BatchService, JobStatus } from '../../batch/batch-service';
import { continuationTokenSchema } from './conversation-schemas';
import type { Assert, Covers, SameKeys } from './type-checks';

const jobId = jobIdSchema.meta({ id: 'BatchJobId' });
const count = z.number().int().nonnegative();

/** POST /api/batch-jobs: 202, with the job's URL in Location. */
export const batchJobAcceptedSchema = z
  .strictObject({ jobId, status: z.literal('queued'), total: count })
  .meta({ id: 'BatchJobAccepted' });

/** GET /api/batch-jobs/{id}: progress, derived from the results written so far. */
export const jobStatusSchema = z
  .strictObject({
    jobId,
    name: z.string().nullable(),
    status: z.enum(['queued', 'running', 'completed', 'completed_with_errors']),
    total: count,
    succeeded: count,
    failed: count,
    pending: count,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime().meta({ description: 'When the latest item finished (createdAt before)' }),
    extraction: z
      .discriminatedUnion('mode', [
        z.strictObject({
          mode: z.literal('strict'),
          transformations: z.array(z.string()).meta({ description: 'What was changed to fit the subset' }),
        }),
        z.strictObject({
          mode: z.literal('validated'),
          reason: z.string().meta({ description: 'Why the schema could not be sent strict' }),
        }),
      ])
      .meta({
        id: 'BatchExtractionMode',
        description:
          'strict: structured outputs (the arguments are guaranteed to match the schema); validated: a non-strict call checked with ajv and re-asked once',
      }),
  })
  .meta({ id: 'BatchJobStatus' });

export const itemResultSchema = z
  .strictObject({
    index: count.meta({ description: "The item's position in the submitted items" }),
    input: batchItemSchema.meta({ description: 'The item as submitted' }),
    output: z.unknown().optional().meta({ description: 'On success: JSON that conforms to the job schema' }),
    error: z.string().optional().meta({ description: 'On failure: why' }),
  })
  .meta({ id: 'BatchItemResult' });

/** GET /api/batch-jobs/{id}/results: finished items in index order, a page at a time. */
export const batchResultsPageSchema = z
  .strictObject({ items: z.array(itemResultSchema), continuationToken: continuationTokenSchema.optional() })
  .meta({ id: 'BatchResultsPage' });

type Submitted = Awaited<ReturnType<BatchService['submit']>>;
type ResultsPage = Awaited<ReturnType<BatchService['results']>>;

type _Checks = [
  Assert<Covers<z.output<typeof batchJobAcceptedSchema>, Pick<Submitted, 'jobId' | 'status' | 'total'>>>,
  Assert<Covers<z.output<typeof jobStatusSchema>, JobStatus>>,
  Assert<SameKeys<z.output<typeof jobStatusSchema>, JobStatus>>,
  Assert<Covers<z.output<typeof batchResultsPageSchema>, ResultsPage>>,
  Assert<SameKeys<z.output<typeof batchResultsPageSchema>, ResultsPage>>,
  Assert<SameKeys<z.output<typeof itemResultSchema>, ResultsPage['items'][number]>>,
];
