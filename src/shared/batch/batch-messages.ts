import * as z from 'zod';

/** One input item: a string, or an object (sent to the model as JSON). */
export const batchItemSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);
export type BatchItem = z.infer<typeof batchItemSchema>;

export const jobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, "-" or "_"');

/** The body of POST /api/batch-jobs; limits come from settings. */
export function batchJobRequestSchema(limits: { maxItems: number; maxItemChars: number }) {
  return z.object({
    items: z
      .array(
        batchItemSchema.refine(
          (item) => (typeof item === 'string' ? item : JSON.stringify(item)).length <= limits.maxItemChars,
          {
            message: `each item must be at most ${limits.maxItemChars} characters`,
          },
        ),
      )
      .min(1, 'must hold at least one item')
      .max(limits.maxItems, `must hold at most ${limits.maxItems} items`),
    schema: z.record(z.string(), z.unknown()),
    instructions: z.string().max(4_000).optional(),
    name: z.string().min(1).max(200).optional(),
  });
}

export type BatchJobRequest = z.output<ReturnType<typeof batchJobRequestSchema>>;

/** A job put on the batch-jobs queue by a producer that is not an HTTP client (trusted for its user id). */
export function batchJobMessageSchema(limits: { maxItems: number; maxItemChars: number }) {
  return batchJobRequestSchema(limits).extend({
    userId: z.string().regex(/^[A-Za-z0-9._@:-]{1,128}$/),
    jobId: jobIdSchema.optional(),
  });
}

/** One batch-items message: a slice of a job's items, kept well under the 64 KiB queue message limit. */
export const batchSliceSchema = z.object({
  jobId: jobIdSchema,
  items: z.array(z.object({ index: z.number().int().nonnegative(), input: batchItemSchema })).min(1),
  /** How many times rate limits sent these items back to the queue. */
  deferrals: z.number().int().nonnegative().default(0),
});

export type BatchSlice = z.input<typeof batchSliceSchema>;
