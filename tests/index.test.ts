import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { functionTable } from '../src/functions';
import { repoRoot } from './support/test-stack';

/** What the start of src/index.ts must not load: the SDKs and the telemetry distro load on first use. */
const DEFERRED =
  /[\\/]node_modules[\\/](@azure[\\/](cosmos|storage-queue|identity|monitor-opentelemetry)|@opentelemetry|openai|jose|ajv)[\\/]/;

const SETTINGS = {
  AZURE_OPENAI_ENDPOINT: 'https://127.0.0.1:9',
  AZURE_OPENAI_DEPLOYMENT: 'chat',
  COSMOS_ENDPOINT: 'https://127.0.0.1:9',
  AzureWebJobsStorage__queueServiceUri: 'https://127.0.0.1:9/devstoreaccount1',
  AML_SCORING_URI: 'https://127.0.0.1:9/score',
  AUTH_MODE: 'easyauth',
  // As the Bicep sets it in Azure: the distro must still not load before registration.
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
};

// The built app, loaded as the worker loads it, in a fresh process (a test's module registry is Jest's).
const CHILD = `
require('./dist/dev/local-host/install-core').installFunctionsCore();
require('./dist/src/index.js');
const { registrations } = require('./dist/dev/local-host/functions-core');
process.stdout.write(JSON.stringify({
  registered: registrations.map((registration) => registration.name),
  loaded: Object.keys(require.cache),
}));
`;

// The built app loaded as the worker loads it, with the worker's listener that ends the process on an
// uncaught exception; then a request leaves a rejected promise nobody awaits, and the process goes on.
const WORKER_WITH_A_BUG = `
process.on('uncaughtException', (error) => {
  process.stdout.write('worker uncaught exception: ' + error.message + '\\n');
  process.exit(1);
});
require('./dist/dev/local-host/install-core').installFunctionsCore();
require('./dist/src/index.js');
const { runWithCorrelation } = require('./dist/src/shared/telemetry/correlation.js');
runWithCorrelation('request-7', () => void Promise.reject(new Error('a bug nobody awaited')));
setTimeout(() => process.stdout.write('still serving\\n'), 200);
`;

function start(env: Record<string, string>): { registered: string[]; loaded: string[] } {
  return JSON.parse(runChild(CHILD, env)) as { registered: string[]; loaded: string[] };
}

function runChild(script: string, env: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'app-start-'));
  try {
    return execFileSync(process.execPath, ['-e', script.replaceAll('./dist', join(repoRoot, 'dist'))], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe('the start of the app (src/index.ts)', () => {
  it('when telemetry is configured, then every function of the table registers and no SDK nor the telemetry distro has loaded', () => {
    const { registered, loaded } = start(SETTINGS);

    expect(registered).toEqual(functionTable.map((entry) => entry.name));
    expect(loaded.some((file) => file.includes(join('dist', 'src', 'index.js')))).toBe(true);
    expect(loaded.filter((file) => DEFERRED.test(file))).toEqual([]);
    // No function's own module either: each loads on its first invocation.
    expect(loaded.filter((file) => file.includes(join('dist', 'src', 'functions', 'chat-post.js')))).toEqual(
      [],
    );
  });

  it('when an invocation leaves a rejected promise nobody awaits, then the app logs it with its correlation id and the worker goes on', () => {
    const child = spawnSync(
      process.execPath,
      ['-e', WORKER_WITH_A_BUG.replaceAll('./dist', join(repoRoot, 'dist'))],
      {
        env: { PATH: process.env.PATH ?? '', ...SETTINGS, APPLICATIONINSIGHTS_CONNECTION_STRING: '' },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    const output = `${child.stdout}${child.stderr}`;

    expect(output).toMatch(/unhandled promise rejection.*correlationId=request-7.*a bug nobody awaited/);
    expect(output).toContain('still serving');
    expect(output).not.toContain('worker uncaught exception');
    expect(child.status).toBe(0);
  });

  it('when a setting is invalid, then loading the app fails at once, naming it', () => {
    expect(() => start({ ...SETTINGS, CHAT_MAX_TOOL_ROUNDS: '500' })).toThrow(/CHAT_MAX_TOOL_ROUNDS/);
  });
});
