import { execFile } from 'node:child_process';
import { join } from 'node:path';

import { freePort } from '../../dev/stack/ports';
import { startTokenIssuer, type TokenIssuer } from '../support/local-servers';
import { repoRoot, startTestStack, type TestStack } from '../support/test-stack';

// `npm run smoke` (the built dev/smoke/main.js) against the app served by the local host, in each
// AUTH_MODE, the way it runs against a deployment.

const SMOKE = join(repoRoot, 'dist/dev/smoke/main.js');
const ALLOWED_ORIGIN = 'https://chat.example.test';

interface SmokeRun {
  readonly code: number | null;
  readonly output: string;
  /** The outcome of each check by name, e.g. { health: 'passed', ... }. */
  readonly outcomes: Record<string, string>;
}

function smoke(args: readonly string[]): Promise<SmokeRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SMOKE, ...args],
      { env: { PATH: process.env.PATH }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        const outcomes = Object.fromEntries(
          [...stdout.matchAll(/^ {2}(passed|failed|skipped) +(.+?) {2}/gm)].map((match) => [
            match[2]?.trim() ?? '',
            match[1] ?? '',
          ]),
        );
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          output,
          outcomes,
        });
      },
    );
  });
}

describe('npm run smoke against the app through the local host', () => {
  let stack: TestStack;
  let issuer: TokenIssuer;
  const start = async (settings: Record<string, string>) => {
    if (started) await stack.host().stop();
    started = true;
    return (await stack.startHost({ CORS_ALLOWED_ORIGINS: ALLOWED_ORIGIN, ...settings })).url;
  };
  let started = false;

  beforeAll(async () => {
    issuer = await startTokenIssuer();
    // Tokens come over time, as from a real deployment: the streamed check must see them spread out.
    stack = await startTestStack({ model: { timeToFirstTokenMs: 40, perTokenDelayMs: 15 } });
  });
  afterAll(async () => {
    await stack.stop();
    await issuer.close();
  });

  it('when the app runs with AUTH_MODE none, then every check passes and the forged principal check says it is skipped and why', async () => {
    const base = await start({ AUTH_MODE: 'none' });
    const run = await smoke(['--url', base, '--allowed-origin', ALLOWED_ORIGIN]);
    expect(run.outcomes).toEqual({
      health: 'passed',
      'deep health': 'passed',
      chat: 'passed',
      'streamed chat': 'passed',
      'forged principal': 'skipped',
      CORS: 'passed',
    });
    expect(run.output).toMatch(/forged principal +AUTH_MODE none: the target answers anonymous callers/);
    expect(run.output).toMatch(/streamed chat +\d+ chunks in \d+ reads over \d+ ms/);
    expect(run.code).toBe(0);
  });

  it('when the app runs with AUTH_MODE jwt and a token is given, then chat passes with it and forged headers get 401', async () => {
    const base = await start(issuer.settings);
    // An admin's token (AUTH_ADMIN_ROLE, default admin): deep health answers admins only.
    const token = await issuer.token('smoke-user', { roles: ['admin'] });
    const run = await smoke(['--url', base, '--token', token]);
    expect(run.outcomes).toMatchObject({
      health: 'passed',
      chat: 'passed',
      'streamed chat': 'passed',
      'forged principal': 'passed',
      CORS: 'passed',
    });
    expect(run.output).not.toContain(token);
    expect(run.code).toBe(0);

    // Without a token, what needs a caller is skipped, and said so; the forged headers still get 401.
    const anonymous = await smoke(['--url', base]);
    expect(anonymous.outcomes).toMatchObject({
      chat: 'skipped',
      'streamed chat': 'skipped',
      'forged principal': 'passed',
    });
    expect(anonymous.output).toMatch(/chat +401 unauthorized: .*pass a caller's --token/);
    expect(anonymous.code).toBe(0);
  });

  it('when forged principal headers are accepted (easyauth with no App Service Authentication in front), then that check fails the run', async () => {
    const base = await start({ AUTH_MODE: 'easyauth' });
    const run = await smoke(['--url', base]);
    expect(run.outcomes['forged principal']).toBe('failed');
    expect(run.output).toMatch(/forged x-ms-client-principal headers were accepted/);
    expect(run.code).toBe(1);
  });

  it('when the origin given as forbidden is one the app allows, then the CORS check fails the run', async () => {
    const base = await start({ AUTH_MODE: 'none' });
    const run = await smoke(['--url', base, '--forbidden-origin', ALLOWED_ORIGIN]);
    expect(run.outcomes.CORS).toBe('failed');
    expect(run.output).toContain(
      `${ALLOWED_ORIGIN} is allowed (Access-Control-Allow-Origin: ${ALLOWED_ORIGIN})`,
    );
    expect(run.code).toBe(1);
  });

  it('when nothing answers at the URL, then health fails and no other check runs', async () => {
    const run = await smoke(['--url', `http://127.0.0.1:${await freePort()}`, '--wait', '0']);
    expect(run.outcomes).toEqual({ health: 'failed' });
    expect(run.code).toBe(1);
  });

  it('when the URL is not an http(s) URL, then it says so and runs nothing', async () => {
    const run = await smoke(['--url', 'ftp://example.test']);
    expect(run.output).toContain('must be an http(s) URL');
    expect(run.code).not.toBe(0);
  });
});
