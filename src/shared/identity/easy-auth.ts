import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';

import { UnauthorizedError } from '../errors';
import { type Caller, rolesFrom, userIdSchema } from './caller';

// App Service Authentication's principal: base64 JSON claims, with the user id in its own header.
const appServicePrincipal = z.object({
  auth_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).max(1_000),
});
// Azure Static Web Apps' principal, which it sends to a linked Functions app without the -id header.
const staticWebAppsPrincipal = z.object({
  identityProvider: z.string(),
  userId: z.unknown(),
  userDetails: z.unknown().optional(),
  userRoles: z.array(z.unknown()).max(1_000).optional(),
});

const OBJECT_ID_CLAIMS = new Set(['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid']);
const ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
const MAX_PRINCIPAL_CHARS = 64_000;

const refuse = (message: string, code: string) => Promise.reject(new UnauthorizedError(message, { code }));

/**
 * App Service Authentication (Easy Auth), or Azure Static Web Apps in front of the app: the platform
 * validates the sign-in and passes the principal in `x-ms-client-principal` headers, which it strips from
 * client requests (the app refuses to start in Azure unless WEBSITE_AUTH_ENABLED says the platform's
 * authentication is on). App Service's shape: the user id is the `-id` header, and an object id claim
 * must agree with it. Static Web Apps' shape: the user id is `userId`; an `-id` header, if any, must agree.
 * A principal without a usable user id is refused.
 */
export function easyAuthCaller(request: HttpRequest): Promise<Caller> {
  const encoded = request.headers.get('x-ms-client-principal');
  const idHeader = request.headers.get('x-ms-client-principal-id');
  if (encoded === null) return refuse('Sign-in required', 'not_signed_in');
  let decoded: unknown;
  try {
    if (encoded.length > MAX_PRINCIPAL_CHARS) throw new Error('too long');
    decoded = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return refuse('The client principal header is malformed', 'malformed_principal');
  }

  const appService = appServicePrincipal.safeParse(decoded);
  if (appService.success) {
    const id = userIdSchema.safeParse(idHeader);
    if (!id.success) return refuse('The client principal names no usable user id', 'no_user_id');
    const { claims, role_typ: roleType } = appService.data;
    const objectId = claims.find((claim) => OBJECT_ID_CLAIMS.has(claim.typ))?.val;
    if (objectId !== undefined && objectId !== id.data)
      return refuse('The client principal headers disagree', 'principal_mismatch');
    const roleTypes = new Set([...ROLE_CLAIMS, ...(roleType === undefined ? [] : [roleType])]);
    const roles = rolesFrom(claims.filter((claim) => roleTypes.has(claim.typ)).map((claim) => claim.val));
    return Promise.resolve({ userId: id.data, roles });
  }

  const staticWebApps = staticWebAppsPrincipal.safeParse(decoded);
  if (staticWebApps.success) {
    const id = userIdSchema.safeParse(staticWebApps.data.userId);
    if (!id.success) return refuse('The client principal names no usable user id', 'no_user_id');
    if (idHeader !== null && idHeader !== id.data)
      return refuse('The client principal headers disagree', 'principal_mismatch');
    return Promise.resolve({ userId: id.data, roles: rolesFrom(staticWebApps.data.userRoles ?? []) });
  }
  return refuse('The client principal header is malformed', 'malformed_principal');
}
