import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { generate as generateCertificate } from 'selfsigned';

// Small local stand-ins for what Azure provides around the app, for tests that run the app as Azure
// would: the managed identity endpoint of App Service / Functions, Application Insights ingestion, and
// a Microsoft Entra-like token issuer with its JWKS.

async function listen(server: Server, scheme = 'http'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const close = (server: Server) =>
  new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface ManagedIdentityEndpoint {
  /** IDENTITY_ENDPOINT and IDENTITY_HEADER, as the platform sets them for the app. */
  readonly env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** Each token request: the resource asked for and the client id of the identity. */
  readonly requests: { resource: string | null; clientId: string | null }[];
  close(): Promise<void>;
}

/**
 * The App Service managed identity endpoint (api-version 2019-08-01): a token for any resource to a
 * caller that sends the X-IDENTITY-HEADER secret, 401 to one that does not.
 */
export async function startManagedIdentityEndpoint(): Promise<ManagedIdentityEndpoint> {
  const secret = randomBytes(16).toString('hex');
  const requests: ManagedIdentityEndpoint['requests'] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.headers['x-identity-header'] !== secret) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'unauthorized' }));
      return;
    }
    const resource = url.searchParams.get('resource');
    const clientId = url.searchParams.get('client_id');
    requests.push({ resource, clientId });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        access_token: `local-token-${randomBytes(8).toString('hex')}`,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource,
        token_type: 'Bearer',
        client_id: clientId,
      }),
    );
  });
  const url = await listen(server);
  return {
    env: { IDENTITY_ENDPOINT: `${url}/msi/token`, IDENTITY_HEADER: secret },
    requests,
    close: () => close(server),
  };
}

/** One telemetry item as the Azure Monitor exporter sends it (the parts tests look at). */
export interface TelemetryEnvelope {
  readonly name: string;
  readonly data?: {
    readonly baseType?: string;
    readonly baseData?: {
      readonly name?: string;
      readonly type?: string;
      readonly properties?: Record<string, string>;
    };
  };
}

export interface IngestionEndpoint {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING pointing the exporter here. */
  readonly connectionString: string;
  /**
   * For the exporting process: NODE_EXTRA_CA_CERTS, so it trusts this endpoint's certificate (the
   * exporter sends over HTTPS only, as Application Insights serves it).
   */
  readonly env: { NODE_EXTRA_CA_CERTS: string };
  readonly envelopes: TelemetryEnvelope[];
  close(): Promise<void>;
}

/**
 * Application Insights ingestion (`POST /v2.1/track`) over HTTPS with a certificate made for
 * 127.0.0.1: accepts every item and keeps it.
 */
export async function startIngestionEndpoint(): Promise<IngestionEndpoint> {
  const envelopes: TelemetryEnvelope[] = [];
  const pems = await generateCertificate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const folder = mkdtempSync(join(tmpdir(), 'ingestion-'));
  const certificateFile = join(folder, 'ingestion.pem');
  writeFileSync(certificateFile, pems.cert);
  const server = createHttpsServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    void readBody(request).then((raw) => {
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      let items: TelemetryEnvelope[] = [];
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        items = (Array.isArray(parsed) ? parsed : [parsed]) as TelemetryEnvelope[];
      } catch {
        // A body that is not JSON is counted as nothing.
      }
      if (request.url?.startsWith('/v2.1/track') === true) envelopes.push(...items);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    });
  });
  const url = await listen(server, 'https');
  return {
    connectionString: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${url}/`,
    env: { NODE_EXTRA_CA_CERTS: certificateFile },
    envelopes,
    close: async () => {
      await close(server);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export interface TokenIssuer {
  /** AUTH_MODE=jwt settings that trust this issuer. */
  readonly settings: Record<string, string>;
  /** A signed token for `subject`. */
  /** A token for `subject`, with extra claims (`roles`, say). */
  token(subject: string, claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** An issuer with an RS256 key and a JWKS endpoint, like a Microsoft Entra tenant for `jwt` mode. */
export async function startTokenIssuer(): Promise<TokenIssuer> {
  const issuer = 'https://login.example.test/tenant/v2.0';
  const audience = 'api://chat-backend';
  const pair = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'local-key', alg: 'RS256', use: 'sig' };
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [publicJwk] }));
  });
  const url = await listen(server);
  return {
    settings: {
      AUTH_MODE: 'jwt',
      AUTH_JWT_ISSUER: issuer,
      AUTH_JWT_AUDIENCE: audience,
      AUTH_JWT_JWKS_URI: `${url}/keys`,
    },
    token: (subject, claims = {}) =>
      new SignJWT({ ...claims, sub: subject })
        .setProtectedHeader({ alg: 'RS256', kid: 'local-key' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(pair.privateKey),
    close: () => close(server),
  };
}
