import { defineHttpFunction } from '../shared/hosting/http-function';
import { healthReportSchema } from '../shared/http/api-contract/health-schemas';
import { healthQuery } from '../shared/http/api-contract/request-schemas';
import { jsonResponse } from '../shared/http/api-contract/responses';

/** GET /api/health[?deep=true]: liveness, and with deep=true each dependency's status and latency. */
export const healthGet = defineHttpFunction({
  name: 'health',
  route: 'health',
  methods: ['GET'],
  anonymous: true,
  tag: 'operations',
  summary: 'Liveness, and with deep=true the status and latency of each dependency',
  request: { query: healthQuery },
  responses: {
    200: jsonResponse('Healthy', healthReportSchema),
    503: jsonResponse('A dependency failed a deep check (the same report)', healthReportSchema),
  },
  handle: async ({ query }, { services, log }) => {
    const report = await services.health.check(query.deep === 'true' || query.deep === '1');
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
