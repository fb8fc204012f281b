import type { ExtractionMode } from './batch-store';
import { toStrictSchema } from './strict-schema';

/** Strict when the job schema fits the structured-outputs subset (after meaning-preserving changes). */
export function extractionModeOf(schema: Record<string, unknown>): ExtractionMode {
  const plan = toStrictSchema(schema);
  return plan.strict
    ? { mode: 'strict', transformations: plan.transformations }
    : { mode: 'validated', reason: plan.reason };
}
