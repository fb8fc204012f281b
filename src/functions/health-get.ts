import { z } from 'zod';

import { defineHttpFunction } from '../shared/hosting/function-definition';

const query = z.object({ deep: z.enum(['true', 'false', '1', '0']).optional() });

/** GET /api/health[?deep=true]: liveness, and with deep=true each dependency's status and latency. */
export const healthGet = defineHttpFunction({
  name: 'health',
  route: 'health',
  methods: ['GET'],
  anonymous: true,
  handle: async (request, { services, log }) => {
    const parsed = query.safeParse({ deep: request.query.get('deep') ?? undefined });
    const deep = parsed.success && (parsed.data.deep === 'true' || parsed.data.deep === '1');
    const report = await services.health.check(deep);
    // The route is anonymous: a failing dependency's error text goes to the log, not to the caller.
    const checks =
      report.checks === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(report.checks).map(([name, { status, latencyMs, error }]) => {
              if (error !== undefined) log.warn('health check failed', { check: name, error });
              return [name, { status, latencyMs }];
            }),
          );
    return {
      status: report.status === 'healthy' ? 200 : 503,
      jsonBody: checks === undefined ? report : { ...report, checks },
    };
  },
});
