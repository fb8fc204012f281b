import { z } from 'zod';

import { type AppError, ForbiddenError, UnauthorizedError, UpstreamError } from '../errors';
import { loadJose } from '../lazy-modules';
import { type Caller, type CallerResolver, rolesFrom, userIdSchema } from './caller';

export interface JwtOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** How far `exp` and `nbf` may be off because of clock skew. */
  readonly clockToleranceSeconds: number;
  /** A token must carry one of these in `scp` (delegated scopes); empty: not checked. */
  readonly requiredScopes: readonly string[];
  /** A token must carry one of these in `roles` (app roles); empty: not checked. */
  readonly requiredRoles: readonly string[];
  /** The client applications (`azp`, or `appid` in v1 tokens) that may call; empty: any. */
  readonly allowedClientIds: readonly string[];
}

const claimsSchema = z.object({
  oid: z.unknown().optional(),
  sub: z.unknown().optional(),
  azp: z.string().optional().catch(undefined),
  appid: z.string().optional().catch(undefined),
  scp: z.string().max(10_000).optional().catch(undefined),
  roles: z.array(z.unknown()).max(1_000).optional().catch(undefined),
});
const joseErrorSchema = z.object({ code: z.string(), claim: z.string().optional() });

const invalid = (message: string, code: string) =>
  new UnauthorizedError(message, {
    code,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${message}"` },
  });

/**
 * Bearer JWTs checked with `jose` against the issuer's JWKS, issuer and audience; `exp` is required and
 * `exp`/`nbf` are allowed the clock tolerance. The user id is `oid` (Microsoft Entra) or else `sub`.
 * Then the calling application (`azp`/`appid`), scopes (`scp`) and roles (`roles`) are checked when
 * settings ask for them: each refusal is a 401 (or 403 for a valid token without the scope or role)
 * with a reason the caller can act on, and never the token.
 */
export function jwtCaller(options: JwtOptions): CallerResolver {
  let verify: ((token: string) => Promise<unknown>) | undefined;
  const getVerifier = async () => {
    if (verify !== undefined) return verify;
    const jose = await loadJose();
    const keys = jose.createRemoteJWKSet(new URL(options.jwksUri));
    verify = async (token) =>
      (
        await jose.jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockToleranceSeconds,
          requiredClaims: ['exp'],
        })
      ).payload;
    return verify;
  };

  return async (request): Promise<Caller> => {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.get('authorization') ?? '');
    if (match?.[1] === undefined) {
      throw new UnauthorizedError('A bearer token is required', {
        code: 'missing_token',
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    let payload: unknown;
    try {
      payload = await (await getVerifier())(match[1]);
    } catch (error) {
      throw refusalOf(error);
    }
    const claims = claimsSchema.parse(payload);
    const userId = userIdSchema.safeParse(claims.oid ?? claims.sub);
    if (!userId.success) throw invalid('The bearer token names no user (oid or sub)', 'no_user_id');
    const clientId = claims.azp ?? claims.appid;
    if (options.allowedClientIds.length > 0 && !options.allowedClientIds.includes(clientId ?? '')) {
      throw invalid(
        'The bearer token was issued to a client application that may not call this API (azp or appid)',
        'client_not_allowed',
      );
    }
    const scopes = (claims.scp ?? '').split(' ').filter((scope) => scope !== '');
    if (
      options.requiredScopes.length > 0 &&
      !options.requiredScopes.some((scope) => scopes.includes(scope))
    ) {
      throw new ForbiddenError(
        `The bearer token lacks a required scope: ${options.requiredScopes.join(' or ')}`,
        {
          code: 'missing_scope',
          headers: {
            'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${options.requiredScopes.join(' ')}"`,
          },
        },
      );
    }
    const roles = rolesFrom(claims.roles ?? []);
    if (options.requiredRoles.length > 0 && !options.requiredRoles.some((role) => roles.includes(role))) {
      throw new ForbiddenError(
        `The bearer token lacks a required role: ${options.requiredRoles.join(' or ')}`,
        {
          code: 'missing_role',
        },
      );
    }
    return { userId: userId.data, roles };
  };
}

/** What a failed verification tells the caller: what was wrong with the token, never the token. */
function refusalOf(error: unknown): AppError {
  const jose = joseErrorSchema.safeParse(error);
  const code = jose.success ? jose.data.code : '';
  if (code === 'ERR_JWT_EXPIRED')
    return invalid('The bearer token has expired; get a new one', 'token_expired');
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    switch (jose.success ? jose.data.claim : undefined) {
      case 'exp':
        return invalid(
          'The bearer token has no expiry (exp); tokens that never expire are refused',
          'no_expiry',
        );
      case 'nbf':
        return invalid('The bearer token is not valid yet (nbf)', 'token_not_yet_valid');
      case 'iss':
        return invalid('The bearer token comes from another issuer (iss)', 'wrong_issuer');
      case 'aud':
        return invalid(
          'The bearer token is for another audience (aud); request one for this API',
          'wrong_audience',
        );
      default:
        return invalid('The bearer token has an invalid claim', 'invalid_claim');
    }
  }
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY')
    return invalid("The bearer token's signature does not match the issuer's keys", 'bad_signature');
  if (
    ['ERR_JWS_INVALID', 'ERR_JWT_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JOSE_NOT_SUPPORTED'].includes(
      code,
    )
  )
    return invalid('The bearer token is not a signed JWT this API accepts', 'malformed_token');
  // The issuer's keys could not be fetched (down, timeout, not JSON): not the caller's fault.
  return new UpstreamError(
    503,
    'identity_unavailable',
    "The token issuer's keys cannot be read; retry shortly",
    5,
  );
}
