import type { HttpRequest } from '@azure/functions';
import * as z from 'zod';

import type { AppConfig } from '../config/settings';
import { UnauthorizedError } from '../errors';
import { loadJose } from '../lazy-modules';

/** Who is calling. The user id partitions every piece of stored data. */
export interface Caller {
  readonly userId: string;
  /** App roles the identity provider granted (the token's `roles` claim); absent when it sent none. */
  readonly roles?: readonly string[];
}

/** Resolves the caller from the request; throws UnauthorizedError (401) when that is impossible. */
export type CallerResolver = (request: HttpRequest) => Promise<Caller>;

/** The single user of AUTH_MODE=none (local runs only). */
export const LOCAL_USER: Caller = { userId: 'local-user' };

const userIdSchema = z.string().regex(/^[A-Za-z0-9._@:-]{1,128}$/);

// App Service Authentication's base64 JSON principal (x-ms-client-principal).
const principalSchema = z.object({
  auth_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});
const OBJECT_ID_CLAIMS = new Set(['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid']);
const ROLE_CLAIMS = new Set(['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role']);
const MAX_ROLES = 200;
const roleSchema = z.string().min(1).max(256);
const rolesClaimSchema = z.array(z.unknown()).max(MAX_ROLES);

/** The role names of a token's `roles` claim, ignoring anything that is not a sane string. */
function rolesFrom(values: readonly unknown[]): string[] {
  return values.flatMap((value) => {
    const role = roleSchema.safeParse(value);
    return role.success ? [role.data] : [];
  });
}

/**
 * App Service Authentication (Easy Auth): the platform validates the token and passes the principal in
 * headers it strips from client requests. The user id is the principal id; both headers must be present,
 * well-formed and agree.
 */
export function easyAuthCaller(request: HttpRequest): Promise<Caller> {
  const id = userIdSchema.safeParse(request.headers.get('x-ms-client-principal-id'));
  const encoded = request.headers.get('x-ms-client-principal');
  if (!id.success || encoded === null) return Promise.reject(new UnauthorizedError('Sign-in required'));
  let principal: z.infer<typeof principalSchema>;
  try {
    principal = principalSchema.parse(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')));
  } catch {
    return Promise.reject(new UnauthorizedError('The client principal header is malformed'));
  }
  const objectId = principal.claims.find((claim) => OBJECT_ID_CLAIMS.has(claim.typ))?.val;
  if (objectId !== undefined && objectId !== id.data) {
    return Promise.reject(new UnauthorizedError('The client principal headers disagree'));
  }
  // One claim per role, typed "roles" (Entra's claim name) or the type Easy Auth names in role_typ.
  const roleTypes = new Set([
    ...ROLE_CLAIMS,
    ...(principal.role_typ === undefined ? [] : [principal.role_typ]),
  ]);
  const roles = rolesFrom(
    principal.claims.filter((claim) => roleTypes.has(claim.typ)).map((claim) => claim.val),
  ).slice(0, MAX_ROLES);
  return Promise.resolve({ userId: id.data, roles });
}

/**
 * Bearer JWTs checked against the issuer's JWKS, issuer and audience with `jose`. The user id is the
 * token's `oid` (Microsoft Entra) or else its `sub`.
 */
export function jwtCaller(options: { issuer: string; audience: string; jwksUri: string }): CallerResolver {
  let verify: ((token: string) => Promise<Record<string, unknown>>) | undefined;
  const getVerifier = async () => {
    if (verify !== undefined) return verify;
    const jose = await loadJose();
    const keys = jose.createRemoteJWKSet(new URL(options.jwksUri));
    verify = async (token) =>
      (await jose.jwtVerify(token, keys, { issuer: options.issuer, audience: options.audience })).payload;
    return verify;
  };
  return async (request) => {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.get('authorization') ?? '');
    if (match?.[1] === undefined) throw new UnauthorizedError('A bearer token is required');
    let claims: Record<string, unknown>;
    try {
      claims = await (await getVerifier())(match[1]);
    } catch {
      throw new UnauthorizedError('The bearer token is not valid');
    }
    const userId = userIdSchema.safeParse(claims.oid ?? claims.sub);
    if (!userId.success) throw new UnauthorizedError('The bearer token names no user');
    const roles = rolesClaimSchema.safeParse(claims.roles);
    return { userId: userId.data, roles: roles.success ? rolesFrom(roles.data) : [] };
  };
}

/** The resolver AUTH_MODE asks for. A user id in the body or query is never trusted. */
export function createCallerResolver(
  config: Pick<AppConfig, 'AUTH_MODE' | 'AUTH_JWT_ISSUER' | 'AUTH_JWT_AUDIENCE' | 'AUTH_JWT_JWKS_URI'>,
): CallerResolver {
  if (config.AUTH_MODE === 'easyauth') return easyAuthCaller;
  if (config.AUTH_MODE === 'jwt') {
    return jwtCaller({
      issuer: config.AUTH_JWT_ISSUER ?? '',
      audience: config.AUTH_JWT_AUDIENCE ?? '',
      jwksUri: config.AUTH_JWT_JWKS_URI ?? '',
    });
  }
  return () => Promise.resolve(LOCAL_USER);
}
