import { describeConfig } from '../shared/config/describe-config';
import { defineHttpFunction } from '../shared/hosting/http-function';
import { configInfoSchema } from '../shared/http/api-contract/config-schemas';
import { jsonResponse } from '../shared/http/api-contract/responses';

/**
 * GET /api/config/info, for callers with AUTH_ADMIN_ROLE only: each setting's value and where it came
 * from (environment, local settings file, default); a secret or a private setting (the system prompt)
 * only as set or not, never its value. The settings are the table of src/shared/config/settings.ts,
 * parsed once at cold start.
 */
export const configInfoGet = defineHttpFunction({
  name: 'config-info',
  route: 'config/info',
  methods: ['GET'],
  admin: true,
  tag: 'operations',
  summary: "Each setting's value and source; secrets only as set or not (admin role only)",
  responses: { 200: jsonResponse('One entry per setting', configInfoSchema) },
  handle: (_input, { services }) =>
    Promise.resolve({ jsonBody: describeConfig(services.config, services.provenance) }),
});
