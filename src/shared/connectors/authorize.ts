import type { AppConfig } from '../config/settings';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Caller } from '../identity/caller';

/**
 * Who may run connectors: nobody unless CONNECTORS_ENABLED is on (404 connectors_disabled), then only
 * callers holding CONNECTORS_ALLOWED_ROLE (403). With AUTH_MODE=none the single local user holds every
 * role, which matters only once CONNECTORS_ENABLED has been turned on explicitly.
 */
export function authorizeConnectorRun(
  caller: Caller,
  config: Pick<AppConfig, 'CONNECTORS_ENABLED' | 'CONNECTORS_ALLOWED_ROLE' | 'AUTH_MODE'>,
): void {
  if (!config.CONNECTORS_ENABLED) {
    throw new NotFoundError(
      'The connector runner is not enabled on this deployment (CONNECTORS_ENABLED)',
      'connectors_disabled',
    );
  }
  if (config.AUTH_MODE === 'none') return;
  if (!caller.roles.includes(config.CONNECTORS_ALLOWED_ROLE)) {
    throw new ForbiddenError(`Running connectors needs the app role "${config.CONNECTORS_ALLOWED_ROLE}"`, {
      code: 'missing_role',
    });
  }
}
