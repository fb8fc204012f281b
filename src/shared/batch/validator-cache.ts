import type { ValidateFunction } from 'ajv';

import { compileOutputSchema } from './output-schema';

const MAX_CACHED_JOBS = 100;

/**
 * The compiled output schema of each job a worker sees, so the items of one job compile it once. The
 * cache is emptied when it is full: a long-running worker never keeps every job's schema.
 */
export function createValidatorCache(): (job: {
  jobId: string;
  schema: Record<string, unknown>;
}) => ValidateFunction {
  const validators = new Map<string, ValidateFunction>();
  return (job) => {
    let validate = validators.get(job.jobId);
    if (validate === undefined) {
      validate = compileOutputSchema(job.schema);
      if (validators.size >= MAX_CACHED_JOBS) validators.clear();
      validators.set(job.jobId, validate);
    }
    return validate;
  };
}
