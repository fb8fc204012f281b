import { execFileSync } from 'node:child_process';

import { spawnLocalHost } from '../../dev/stack/local-host-process';
import { freePort } from '../../dev/stack/ports';
import { getJson, repoRoot, startTestStack, type TestStack } from '../support/test-stack';

const ORIGIN = 'http://localhost:5173';
const SECRET = 'sentinel-aoai-key-7f3a9c';

describe('local host with Azurite and the Cosmos emulator', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack({ settings: { CORS_ALLOWED_ORIGINS: ORIGIN }, model: { apiKey: SECRET } });
    base = (await stack.startHost()).url;
  });
  afterAll(() => stack.stop());

  it('when /api/health is called, then it answers healthy with the package name and version', async () => {
    const { status, body, headers } = await getJson(`${base}/api/health`, {
      headers: { 'X-Request-ID': 'trace-123' },
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'healthy',
      service: 'azure-llm-chat-functions',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(headers.get('x-request-id')).toBe('trace-123');
  });

  it('when the caller sends no correlation id, then a new one is returned', async () => {
    const { headers } = await getJson(`${base}/api/health`);
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when config-info is called, then settings show value and source and secrets only set or not', async () => {
    const { status, body } = await getJson(`${base}/api/config/info`);
    expect(status).toBe(200);
    const info = body as Record<string, unknown>;
    expect(info.AZURE_OPENAI_API_VERSION).toEqual({ value: 'v1', source: 'default' });
    expect(info.AZURE_OPENAI_MODEL_FAMILY).toEqual({ value: 'auto', source: 'default' });
    expect(info.AZURE_OPENAI_API_KEY).toEqual({ set: true, source: 'env' });
    expect(info.COSMOS_KEY).toEqual({ set: true, source: 'env' });
    expect(info.AML_DEPLOYMENT).toEqual({ value: null, source: 'absent' });
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });

  it('when the route is unknown, then a JSON 404 with a correlation id comes back', async () => {
    const { status, body } = await getJson(`${base}/api/no/such/route`);
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'not_found' }, correlationId: expect.any(String) });
  });

  it('when the method is wrong, then a JSON 405 names the allowed methods', async () => {
    const { status, body, headers } = await getJson(`${base}/api/health`, { method: 'DELETE' });
    expect(status).toBe(405);
    expect(headers.get('allow')).toContain('GET');
    expect(body).toMatchObject({ error: { code: 'method_not_allowed' }, correlationId: expect.any(String) });
  });

  it('when a path outside the route prefix is not a GET, then the host itself answers a JSON 404', async () => {
    const { status, body } = await getJson(`${base}/elsewhere`, { method: 'POST' });
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'not_found' } });
  });

  it('when the built web app is asked for, then it is served at / and its routes, and never shadows /api or leaves its folder', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    const route = await fetch(`${base}/c/some-chat`);
    expect([route.status, await route.text()]).toEqual([200, html]);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const script = await fetch(`${base}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    await script.arrayBuffer();
    for (const outside of [
      '/package.json',
      '/..%2fpackage.json',
      '/%2e%2e/host.json',
      '/assets/missing.js',
    ]) {
      const response = await fetch(`${base}${outside}`);
      expect({ outside, status: response.status }).toEqual({ outside, status: 404 });
      await response.arrayBuffer();
    }
    expect((await getJson(`${base}/API/health`)).body).toMatchObject({ status: 'healthy' });
  });

  it('when an allowed origin sends a preflight, then it is answered with CORS headers', async () => {
    const response = await fetch(`${base}/api/health`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const simple = await fetch(`${base}/api/health`, { headers: { Origin: ORIGIN } });
    expect(simple.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    // Set by the app itself, so a page on another origin reads them in Azure too.
    expect(simple.headers.get('access-control-expose-headers')).toBe(
      'X-Request-ID, Retry-After, Location, X-Conversation-Id',
    );
  });

  it('when another origin sends a preflight, then it is refused without CORS headers', async () => {
    const response = await fetch(`${base}/api/health`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('when the app registers functions with app, then the local host serves every one of them', async () => {
    // Capture what the built app registers, through the same @azure/functions-core stand-in, in a plain Node process.
    const script = [
      "require('./dist/dev/local-host/install-core').installFunctionsCore();",
      "require('./dist/src/index.js');",
      "const { registrations } = require('./dist/dev/local-host/functions-core');",
      'process.stdout.write(JSON.stringify(registrations.map((r) => r.name)));',
    ].join('');
    const registered = JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        cwd: repoRoot,
        env: { ...process.env, ...stack.env },
      }).toString(),
    ) as string[];
    const { body } = await getJson(`${base}/admin/functions`);
    const served = (body as { name: string }[]).map((item) => item.name);
    expect(registered.length).toBeGreaterThanOrEqual(3);
    expect(served.sort()).toEqual([...registered].sort());
  });

  it('when deep health runs with every dependency up, then each check is healthy with a latency', async () => {
    const { status, body } = await getJson(`${base}/api/health?deep=true`);
    expect(body).toMatchObject({
      status: 'healthy',
      checks: {
        cosmos: { status: 'healthy', latencyMs: expect.any(Number) },
        queues: { status: 'healthy', latencyMs: expect.any(Number) },
        model: { status: 'healthy', latencyMs: expect.any(Number) },
      },
    });
    expect(status).toBe(200);
  });

  it('when the Cosmos emulator is stopped, then deep health answers 503 naming cosmos, and recovers after', async () => {
    await stack.cosmos?.pause();
    try {
      const { status, body } = await getJson(`${base}/api/health?deep=true`);
      expect(status).toBe(503);
      expect(body).toMatchObject({
        status: 'unhealthy',
        checks: { cosmos: { status: 'unhealthy' }, queues: { status: 'healthy' } },
      });
      // Anonymous callers get status and latency only; the error text is in the log.
      expect(JSON.stringify(body)).not.toMatch(/"error"/);
      expect(stack.host().output()).toMatch(/health check failed.*check=cosmos/);
    } finally {
      await stack.cosmos?.resume();
    }
    const again = await getJson(`${base}/api/health?deep=true`);
    expect(again.status).toBe(200);
  }, 30_000);

  it('when the port is taken, then a second host exits with status 1 naming the port and the PORT setting', () => {
    const port = new URL(base).port;
    const run = () =>
      execFileSync(process.execPath, ['dist/dev/local-host/main.js'], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, ...stack.env, PORT: port },
        stdio: 'pipe',
      });
    expect(run).toThrow(new RegExp(`PORT: port ${port} is already in use; set PORT to a free port`));
  });

  it('when settings are invalid, then the host exits with one message listing each, and no stack trace', async () => {
    const port = await freePort();
    const error = await spawnLocalHost({
      appRoot: repoRoot,
      port,
      env: { PATH: process.env.PATH, ...stack.env, LOG_LEVEL: 'loud', CHAT_MAX_TOOL_ROUNDS: 'x' },
      output: 'capture',
      readyTimeoutMs: 20_000,
    }).then(
      () => new Error('the host started'),
      (thrown: unknown) => thrown as Error,
    );
    expect(error.message).toMatch(/Invalid configuration:/);
    expect(error.message).toMatch(/- LOG_LEVEL: /);
    expect(error.message).toMatch(/- CHAT_MAX_TOOL_ROUNDS: /);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('when the host is stopped with SIGTERM, then it exits cleanly', async () => {
    const code = await stack.host().stop();
    expect(code).toBe(0);
    base = (await stack.startHost()).url;
  });
});
