import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { easyAuthHeaders } from '../support/identity';
import { getJson, repoRoot, startTestStack, type TestStack } from '../support/test-stack';

// No input of the app's own routes leaves a rejected promise unhandled any more (the $async schema
// that did is refused): this app is the built app, entry and all, plus two test-only functions
// registered the same way (the function table's rows, registerFunctions, the HTTP wrapper). One of
// them leaves a rejected promise nobody awaits; the other is a slow request in flight meanwhile.
const TEST_APP = `
const { app } = require('@azure/functions');
require('./dist/src/index.js');
const { loadConfig } = require('./dist/src/shared/config/load-config.js');
const { getServices } = require('./dist/src/shared/composition/services.js');
const { httpFunction } = require('./dist/src/shared/hosting/function-table.js');
const { defineHttpFunction } = require('./dist/src/shared/hosting/http-function.js');
const { registerFunctions } = require('./dist/src/shared/hosting/register-functions.js');

const testFunction = (name, route, handle) =>
  httpFunction({ name, route, methods: ['GET'] }, () =>
    Promise.resolve(
      defineHttpFunction({
        name, route, methods: ['GET'], anonymous: true, tag: 'operations', summary: name, responses: {}, handle,
      }),
    ),
  );
const loaded = loadConfig();
registerFunctions(
  app,
  [
    testFunction('test-slow', 'test/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return { jsonBody: { answered: 'slow' } };
    }),
    testFunction('test-bug', 'test/bug', async () => {
      void Promise.reject(new Error('a bug nobody awaited'));
      return { jsonBody: { answered: 'bug' } };
    }),
  ],
  () => getServices(loaded),
);
`;

describe('a failing invocation, through the local host (which ends the process on an uncaught exception, as the Node.js worker does)', () => {
  let appRoot: string;
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    appRoot = mkdtempSync(join(tmpdir(), 'process-faults-app-'));
    for (const entry of ['dist', 'node_modules', 'host.json', 'data']) {
      symlinkSync(join(repoRoot, entry), join(appRoot, entry));
    }
    writeFileSync(
      join(appRoot, 'package.json'),
      JSON.stringify({ name: 'process-faults-app', main: 'app.js' }),
    );
    writeFileSync(join(appRoot, 'app.js'), TEST_APP);
    stack = await startTestStack({ appRoot });
    base = (await stack.startHost({ AUTH_MODE: 'easyauth' })).url;
  }, 90_000);
  afterAll(async () => {
    await stack.stop();
    rmSync(appRoot, { recursive: true, force: true });
  });

  it('when an invocation leaves a rejected promise unhandled, then the request in flight and the next ones are answered, and the log names its request id', async () => {
    const slow = getJson(`${base}/api/test/slow`);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const buggy = await getJson(`${base}/api/test/bug`, { headers: { 'x-request-id': 'bug-request-1' } });
    expect(buggy).toMatchObject({ status: 200, body: { answered: 'bug' } });

    expect(await slow).toMatchObject({ status: 200, body: { answered: 'slow' } });
    const chat = await getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...easyAuthHeaders('process-faults-user') },
      body: JSON.stringify({ message: 'still there?' }),
    });
    expect(chat.status).toBe(200);
    expect(stack.host().output()).toMatch(
      /unhandled promise rejection; the process goes on.*correlationId=bug-request-1.*a bug nobody awaited/,
    );
    expect(stack.host().output()).not.toContain('worker uncaught exception');
  });
});
