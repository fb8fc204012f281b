import { z } from 'zod';

import type { QuotaUsage } from '../../quota/quota-meter';
import type { Assert, Covers, SameKeys } from './type-checks';

export const quotaUsageSchema = z
  .strictObject({
    name: z.enum([
      'requests_per_minute',
      'tokens_per_day',
      'batch_items_per_day',
      'concurrent_batch_jobs',
      'connector_runs_per_day',
    ]),
    unit: z.string().meta({ description: 'requests, tokens, items, jobs or runs' }),
    window: z
      .enum(['minute', 'day', 'concurrent'])
      .meta({ description: 'A UTC minute or day, or "concurrent" for what runs at once' }),
    limit: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .meta({ description: 'null: no limit (the setting is 0)' }),
    used: z.number().int(),
    remaining: z.number().int().nonnegative().nullable(),
    resetsAt: z.iso.datetime().nullable().meta({ description: 'When the window ends; null for concurrent' }),
  })
  .meta({ id: 'QuotaUsage' });

/** GET /api/me/usage: the caller's quotas, with the limits that apply to them (an admin's may differ). */
export const usageSchema = z
  .strictObject({
    userId: z.string(),
    admin: z
      .boolean()
      .meta({ description: 'Whether the caller has AUTH_ADMIN_ROLE (QUOTA_ADMIN_LIMITS apply)' }),
    quotas: z.array(quotaUsageSchema),
  })
  .meta({ id: 'Usage' });

type _Checks = [
  Assert<Covers<z.output<typeof quotaUsageSchema>, QuotaUsage>>,
  Assert<SameKeys<z.output<typeof quotaUsageSchema>, QuotaUsage>>,
];
