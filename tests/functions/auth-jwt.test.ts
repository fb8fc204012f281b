import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const ISSUER = 'https://login.example.test/tenant/v2.0';
const AUDIENCE = 'api://chat-backend';
const SPA_CLIENT = '11111111-2222-3333-4444-555555555555';

interface TokenOptions {
  readonly sub?: string;
  readonly aud?: string;
  readonly iss?: string;
  /** jose time span; `null` leaves exp out. */
  readonly expiresIn?: string | null;
  readonly notBefore?: string;
  readonly claims?: JWTPayload;
}

describe('AUTH_MODE=jwt with a local key pair and JWKS', () => {
  let stack: TestStack;
  let base: string;
  /** A second host that also requires a client id, a scope and a role. */
  let strict: string;
  let jwks: Server;
  let signingKey: CryptoKey;
  let otherKey: CryptoKey;

  const token = (options: TokenOptions, key = signingKey) => {
    let jwt = new SignJWT({ ...(options.sub === undefined ? {} : { sub: options.sub }), ...options.claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt();
    if (options.expiresIn !== null) jwt = jwt.setExpirationTime(options.expiresIn ?? '5m');
    if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
    return jwt.sign(key);
  };
  const as = (bearer: string) => ({ authorization: `Bearer ${bearer}` });
  /** A token the strict host accepts, with some claims changed. */
  const strictToken = (claims: JWTPayload) =>
    token({
      sub: 'strict-user',
      claims: { azp: SPA_CLIENT, scp: 'chat.read access_as_user', roles: ['Chat.User'], ...claims },
    });

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    jwks = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`;
    const settings = {
      AUTH_MODE: 'jwt',
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
      AUTH_JWT_JWKS_URI: jwksUri,
    };
    stack = await startTestStack();
    base = (
      await stack.startHost({ ...settings, QUOTA_REQUESTS_PER_MINUTE: '3', CONNECTORS_ENABLED: 'true' })
    ).url;
    strict = (
      await stack.startAnotherHost({
        ...settings,
        AUTH_JWT_ALLOWED_CLIENT_IDS: `${SPA_CLIENT},another-client`,
        AUTH_JWT_REQUIRED_SCOPES: 'access_as_user',
        AUTH_JWT_REQUIRED_ROLES: 'Chat.User,Chat.Admin',
        AUTH_ADMIN_ROLE: 'Chat.Admin',
      })
    ).url;
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('when a valid token is sent, then the caller is its subject and sees only their own conversations', async () => {
    const alice = as(await token({ sub: 'alice-jwt' }));
    const bob = as(await token({ sub: 'bob-jwt' }));
    const created = await getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...alice },
      body: JSON.stringify({ message: 'jwt hello' }),
    });
    expect(created.status).toBe(200);
    const id = (created.body as { conversationId: string }).conversationId;
    expect((await getJson(`${base}/api/conversations/${id}`, { headers: alice })).status).toBe(200);
    expect((await getJson(`${base}/api/conversations/${id}`, { headers: bob })).status).toBe(404);
  });

  it('when a token carries app roles, then the roles claim decides who may run connectors', async () => {
    const statusWith = async (roles: unknown) =>
      (
        await getJson(`${base}/api/connectors/execute`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...as(await token({ sub: 'carol-jwt', ...(roles === undefined ? {} : { claims: { roles } }) })),
          },
          body: '{}',
        })
      ).status;
    // 400: authorized, then the empty body is refused; 403: not authorized.
    expect(await statusWith(['Reader', 'Connectors.Run'])).toBe(400);
    expect(await statusWith(['Reader'])).toBe(403);
    expect(await statusWith(undefined)).toBe(403);
    expect(await statusWith('Connectors.Run')).toBe(403);
    expect(await statusWith([42, { role: 'Connectors.Run' }])).toBe(403);
  });

  it.each([
    ['a token that expired a minute ago', { sub: 'skewed-user', expiresIn: '-60s' }],
    ['a token valid only in a minute (nbf)', { sub: 'skewed-user', notBefore: '60s' }],
  ])(
    'when a request carries %s (within AUTH_JWT_CLOCK_TOLERANCE_SECONDS), then it is accepted',
    async (_name, options) => {
      const { status } = await getJson(`${base}/api/conversations`, { headers: as(await token(options)) });
      expect(status).toBe(200);
    },
  );

  it.each([
    ['no token', () => Promise.resolve({}), 'missing_token'],
    ['a token that is not a JWT', () => Promise.resolve(as('not.a.jwt')), 'malformed_token'],
    [
      'a token for another audience',
      async () => as(await token({ sub: 'u', aud: 'api://someone-else' })),
      'wrong_audience',
    ],
    [
      'a token from another issuer',
      async () => as(await token({ sub: 'u', iss: 'https://evil.example/' })),
      'wrong_issuer',
    ],
    [
      'a token that expired 5 minutes ago',
      async () => as(await token({ sub: 'u', expiresIn: '-5m' })),
      'token_expired',
    ],
    [
      'a token valid only in 5 minutes',
      async () => as(await token({ sub: 'u', notBefore: '5m' })),
      'token_not_yet_valid',
    ],
    [
      'a token without an expiry (exp)',
      async () => as(await token({ sub: 'u', expiresIn: null })),
      'no_expiry',
    ],
    ['a token signed by another key', async () => as(await token({ sub: 'u' }, otherKey)), 'bad_signature'],
    ['a token naming no user', async () => as(await token({})), 'no_user_id'],
    [
      'an unsigned token',
      () => {
        const header = Buffer.from('{"alg":"none"}').toString('base64url');
        const claims = Buffer.from(JSON.stringify({ sub: 'u', iss: ISSUER, aud: AUDIENCE })).toString(
          'base64url',
        );
        return Promise.resolve(as(`${header}.${claims}.`));
      },
      'malformed_token',
    ],
  ])(
    'when a request carries %s, then 401 says why and never echoes the token',
    async (_name, headers, reason) => {
      const sent = await headers();
      const {
        status,
        body,
        headers: answered,
      } = await getJson(`${base}/api/conversations`, { headers: sent });
      expect(status).toBe(401);
      expect(body).toMatchObject({
        error: { code: 'unauthorized', details: [{ code: reason }] },
        correlationId: expect.any(String),
      });
      expect(answered.get('www-authenticate')).toMatch(/^Bearer/);
      const bearer = /Bearer ([^"]+)/.exec(JSON.stringify(sent))?.[1];
      if (bearer !== undefined) expect(JSON.stringify(body)).not.toContain(bearer);
    },
  );

  it('when the token carries the allowed client, a required scope and a required role, then the strict host serves it', async () => {
    const { status } = await getJson(`${strict}/api/conversations`, { headers: as(await strictToken({})) });
    expect(status).toBe(200);
    const v1 = await strictToken({ azp: undefined, appid: 'another-client' });
    expect((await getJson(`${strict}/api/conversations`, { headers: as(v1) })).status).toBe(200);
  });

  it.each([
    ['another client application (azp)', { azp: 'someone-elses-app' }, 401, 'client_not_allowed'],
    ['no client application at all', { azp: undefined }, 401, 'client_not_allowed'],
    ['no required scope (scp)', { scp: 'chat.read' }, 403, 'missing_scope'],
    ['no scp at all (an app-only token)', { scp: undefined }, 403, 'missing_scope'],
    ['no required role', { roles: ['Chat.Reader'] }, 403, 'missing_role'],
    ['roles that are not a list', { roles: 'Chat.User' }, 403, 'missing_role'],
  ])(
    'when the token has %s, then the strict host refuses it with a reason',
    async (_name, claims, status, reason) => {
      const answer = await getJson(`${strict}/api/conversations`, { headers: as(await strictToken(claims)) });
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({ error: { details: [{ code: reason }] } });
      if (reason === 'missing_scope')
        expect(answer.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    },
  );

  it('when a caller without the admin role reads config-info or deep health, then 403; with it, 200', async () => {
    const user = as(await strictToken({}));
    expect((await getJson(`${strict}/api/config/info`, { headers: user })).status).toBe(403);
    expect((await getJson(`${strict}/api/health?deep=true`, { headers: user })).status).toBe(403);
    const admin = as(await strictToken({ roles: ['Chat.Admin'] }));
    const config = await getJson(`${strict}/api/config/info`, { headers: admin });
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({
      CHAT_SYSTEM_PROMPT: { set: false },
      AUTH_ADMIN_ROLE: { value: 'Chat.Admin' },
    });
    expect((await getJson(`${strict}/api/health?deep=true`, { headers: admin })).status).toBe(200);
  });

  it("when the issuer's keys cannot be fetched, then 503 identity_unavailable, not a 401 that sends users to sign in again", async () => {
    const host = await stack.startAnotherHost({
      AUTH_MODE: 'jwt',
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
      AUTH_JWT_JWKS_URI: 'http://127.0.0.1:9/keys',
    });
    const { status, body } = await getJson(`${host.url}/api/conversations`, {
      headers: as(await token({ sub: 'u' })),
    });
    expect(status).toBe(503);
    expect(body).toMatchObject({ error: { code: 'identity_unavailable' } });
    await host.stop();
  });

  it('when a jwt user goes over the per-minute quota, then they get 429 and another user is served', async () => {
    if (new Date().getUTCSeconds() > 45) await new Promise((resolve) => setTimeout(resolve, 16_000));
    const chat = async (user: string) =>
      getJson(`${base}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...as(await token({ sub: user })) },
        body: JSON.stringify({ message: 'hello' }),
      });
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push((await chat('quota-jwt-user')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await chat('another-jwt-user')).status).toBe(200);
  });
});
