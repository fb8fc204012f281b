import { defineHttpFunction } from '../shared/hosting/http-function';
import { jsonResponse, storageErrors } from '../shared/http/api-contract/responses';
import { usageSchema } from '../shared/http/api-contract/usage-schemas';
import { isAdmin } from '../shared/identity/caller';

/**
 * GET /api/me/usage: the caller's per-user quotas (QUOTA_*): each limit, what is used, what is left and
 * when the window resets. It does not count against any of them.
 */
export const meUsageGet = defineHttpFunction({
  name: 'me-usage',
  route: 'me/usage',
  methods: ['GET'],
  tag: 'usage',
  summary: "The caller's quotas: limits, used, remaining and reset times",
  responses: { 200: jsonResponse("The caller's quotas", usageSchema), ...storageErrors },
  handle: async (_input, { services, caller }) => ({
    jsonBody: {
      userId: caller.userId,
      admin: isAdmin(caller, services.config.AUTH_ADMIN_ROLE),
      quotas: await services.quotas.usage(caller),
    },
  }),
});
