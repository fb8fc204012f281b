import { defineHttpFunction } from '../shared/hosting/http-function';
import { healthReportSchema } from '../shared/http/api-contract/health-schemas';
import { healthQuery } from '../shared/http/api-contract/request-schemas';
import { errorResponse, jsonResponse } from '../shared/http/api-contract/responses';

/**
 * GET /api/health[?deep=true]: liveness for anyone; with deep=true, for callers with AUTH_ADMIN_ROLE
 * only, each dependency's status and latency (three upstream calls a request).
 */
export const healthGet = defineHttpFunction({
  name: 'health',
  route: 'health',
  methods: ['GET'],
  anonymous: true,
  tag: 'operations',
  summary: 'Liveness, and with deep=true (admin role only) the status and latency of each dependency',
  request: { query: healthQuery },
  responses: {
    200: jsonResponse('Healthy', healthReportSchema),
    401: errorResponse('deep=true without a valid caller (unauthorized)'),
    403: errorResponse('deep=true from a caller without AUTH_ADMIN_ROLE (forbidden)'),
    503: jsonResponse('A dependency failed a deep check (the same report)', healthReportSchema),
  },
  handle: async ({ query }, { services, log, admin }) => {
    const deep = query.deep === 'true' || query.deep === '1';
    if (deep) await admin();
    const report = await services.health.check(deep);
    // A failing dependency's error text goes to the log, not into a response.
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
