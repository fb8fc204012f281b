import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';

import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const ISSUER = 'https://login.example.test/tenant/v2.0';
const AUDIENCE = 'api://chat-backend';

describe('AUTH_MODE=jwt with a local key pair and JWKS', () => {
  let stack: TestStack;
  let base: string;
  let jwks: Server;
  let signingKey: KeyLike;
  let otherKey: KeyLike;

  const token = (
    claims: { sub?: string; aud?: string; iss?: string; expiresIn?: string },
    key = signingKey,
  ) =>
    new SignJWT(claims.sub === undefined ? {} : { sub: claims.sub })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(claims.iss ?? ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? '5m')
      .sign(key);
  const as = (bearer: string) => ({ authorization: `Bearer ${bearer}` });

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
    stack = await startTestStack();
    base = (
      await stack.startHost({
        AUTH_MODE: 'jwt',
        AUTH_JWT_ISSUER: ISSUER,
        AUTH_JWT_AUDIENCE: AUDIENCE,
        AUTH_JWT_JWKS_URI: jwksUri,
      })
    ).url;
  });
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

  it('when a token expired a minute ago (a small clock skew), then it is still accepted', async () => {
    const { status } = await getJson(`${base}/api/conversations`, {
      headers: as(await token({ sub: 'skewed-user', expiresIn: '-60s' })),
    });
    expect(status).toBe(200);
  });

  it.each([
    ['no token', () => Promise.resolve({})],
    ['a token that is not a JWT', () => Promise.resolve(as('not.a.jwt'))],
    ['a token for another audience', async () => as(await token({ sub: 'u', aud: 'api://someone-else' }))],
    ['a token from another issuer', async () => as(await token({ sub: 'u', iss: 'https://evil.example/' }))],
    ['an expired token', async () => as(await token({ sub: 'u', expiresIn: '-5m' }))],
    ['a token signed by another key', async () => as(await token({ sub: 'u' }, otherKey))],
    ['a token naming no user', async () => as(await token({}))],
    [
      'a token without an expiry (exp)',
      async () =>
        as(
          await new SignJWT({ sub: 'u' })
            .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setIssuedAt()
            .sign(signingKey),
        ),
    ],
    [
      'an unsigned token',
      () => {
        const header = Buffer.from('{"alg":"none"}').toString('base64url');
        const claims = Buffer.from(JSON.stringify({ sub: 'u', iss: ISSUER, aud: AUDIENCE })).toString(
          'base64url',
        );
        return Promise.resolve(as(`${header}.${claims}.`));
      },
    ],
  ])('when a request carries %s, then 401', async (_name, headers) => {
    const { status, body } = await getJson(`${base}/api/conversations`, { headers: await headers() });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: { code: 'unauthorized' }, correlationId: expect.any(String) });
  });
});
