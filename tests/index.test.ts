import { execFileSync } from 'node:child_process';
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

function start(env: Record<string, string>): { registered: string[]; loaded: string[] } {
  const cwd = mkdtempSync(join(tmpdir(), 'app-start-'));
  try {
    const stdout = execFileSync(
      process.execPath,
      ['-e', CHILD.replaceAll('./dist', join(repoRoot, 'dist'))],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      },
    );
    return JSON.parse(stdout) as { registered: string[]; loaded: string[] };
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

  it('when a setting is invalid, then loading the app fails at once, naming it', () => {
    expect(() => start({ ...SETTINGS, CHAT_MAX_TOOL_ROUNDS: '500' })).toThrow(/CHAT_MAX_TOOL_ROUNDS/);
  });
});
