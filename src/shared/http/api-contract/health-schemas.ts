import * as z from 'zod';

import type { CheckResult, HealthReport } from '../../health/health-service';
import type { Assert, Covers, SameKeys } from './type-checks';

const healthStatusSchema = z.enum(['healthy', 'unhealthy']);

export const checkResultSchema = z
  .strictObject({
    status: healthStatusSchema,
    latencyMs: z.number().int().nonnegative(),
    error: z.string().optional().meta({ description: 'First line of the failure, secrets redacted' }),
  })
  .meta({ id: 'HealthCheckResult' });

/** GET /api/health: 200 when healthy, 503 (same body) when a deep check failed. */
export const healthReportSchema = z
  .strictObject({
    status: healthStatusSchema,
    service: z.string(),
    version: z.string(),
    checks: z
      .record(z.string(), checkResultSchema)
      .optional()
      .meta({ description: 'With deep=true: each dependency by name' }),
  })
  .meta({ id: 'HealthReport' });

type _Checks = [
  Assert<Covers<z.output<typeof healthReportSchema>, HealthReport>>,
  Assert<SameKeys<z.output<typeof healthReportSchema>, HealthReport>>,
  Assert<SameKeys<z.output<typeof checkResultSchema>, CheckResult>>,
];
