import type { AppConfig } from '../config/settings';
import { type CallerResolver, localUser } from './caller';
import { easyAuthCaller } from './easy-auth';
import { jwtCaller } from './jwt-auth';

/** The resolver AUTH_MODE asks for. A user id in the body or query is never trusted. */
export function createCallerResolver(
  config: Pick<
    AppConfig,
    | 'AUTH_MODE'
    | 'AUTH_ADMIN_ROLE'
    | 'AUTH_JWT_ISSUER'
    | 'AUTH_JWT_AUDIENCE'
    | 'AUTH_JWT_JWKS_URI'
    | 'AUTH_JWT_CLOCK_TOLERANCE_SECONDS'
    | 'AUTH_JWT_REQUIRED_SCOPES'
    | 'AUTH_JWT_REQUIRED_ROLES'
    | 'AUTH_JWT_ALLOWED_CLIENT_IDS'
  >,
): CallerResolver {
  if (config.AUTH_MODE === 'easyauth') return easyAuthCaller;
  if (config.AUTH_MODE === 'jwt') {
    return jwtCaller({
      issuer: config.AUTH_JWT_ISSUER ?? '',
      audience: config.AUTH_JWT_AUDIENCE ?? '',
      jwksUri: config.AUTH_JWT_JWKS_URI ?? '',
      clockToleranceSeconds: config.AUTH_JWT_CLOCK_TOLERANCE_SECONDS,
      requiredScopes: config.AUTH_JWT_REQUIRED_SCOPES,
      requiredRoles: config.AUTH_JWT_REQUIRED_ROLES,
      allowedClientIds: config.AUTH_JWT_ALLOWED_CLIENT_IDS,
    });
  }
  const local = localUser(config.AUTH_ADMIN_ROLE);
  return () => Promise.resolve(local);
}
