import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { z } from 'zod';

import { repoRoot } from '../dev/stack/isolated-stack';
import { type BenchResult, percentile, round } from './measure';

const RUNS = 15;
const WARMUP = 2;
/** SDKs that should load on first use, not at import (see src/shared/lazy-modules.ts). */
const HEAVY = [
  '@azure/cosmos',
  '@azure/storage-queue',
  '@azure/identity',
  'openai',
  'jose',
  'ajv',
  '@azure/monitor-opentelemetry',
];
/** Settings as in Azure (identity-based, no keys), every endpoint a local port nothing listens on. */
const APP_SETTINGS = {
  AZURE_OPENAI_ENDPOINT: 'https://127.0.0.1:9',
  AZURE_OPENAI_DEPLOYMENT: 'chat',
  COSMOS_ENDPOINT: 'https://127.0.0.1:9',
  AzureWebJobsStorage__queueServiceUri: 'https://127.0.0.1:9/devstoreaccount1',
  AML_SCORING_URI: 'https://127.0.0.1:9/score',
  AUTH_MODE: 'easyauth',
};

// Runs in a fresh process, like a Functions worker: the local host's @azure/functions-core is installed
// first, so that app.http() really registers; then the app is required and timed until it returns, by
// which point src/index.ts has registered every function. Connection attempts are recorded (none expected).
const CHILD = `
const net = require('node:net');
const [installCore, functionsCore, app, functionTable, heavyJson] = process.argv.slice(1);
const connections = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  connections.push(String(JSON.stringify(args[0])).slice(0, 120));
  return connect.apply(this, args);
};
require(installCore).installFunctionsCore();
const { registrations } = require(functionsCore);
const started = performance.now();
require(app);
const registeredAt = performance.now();
const files = Object.keys(require.cache);
const heavy = JSON.parse(heavyJson).filter((name) => files.some((file) => file.includes('/node_modules/' + name + '/')));
const expected = functionTable === '-' ? 1 : require(functionTable).functionDefinitions.length;
process.stdout.write(JSON.stringify({
  importMs: registeredAt - started,
  sinceProcessStartMs: registeredAt,
  registered: registrations.length,
  expected,
  modules: files.length,
  heavy,
  connections,
}));
process.exit(0);
`;

const childResultSchema = z.object({
  importMs: z.number(),
  sinceProcessStartMs: z.number(),
  registered: z.number(),
  expected: z.number(),
  modules: z.number(),
  heavy: z.array(z.string()),
  connections: z.array(z.string()),
});
type ChildResult = z.infer<typeof childResultSchema>;

/**
 * Cold start: the time to import the built app with every function registered, over the time to import a
 * bare @azure/functions app with one function; each the median of fresh Node processes, run interleaved.
 */
export async function benchColdStart(): Promise<BenchResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'cold-start-')); // no local.settings.json or .env of the developer's
  const dist = join(repoRoot, 'dist');
  const app = {
    entry: join(dist, 'src', 'index.js'),
    table: join(dist, 'src', 'functions', 'index.js'),
  };
  const bare = { entry: join(repoRoot, 'bench', 'fixtures', 'bare-app.js'), table: '-' };
  const run = async (target: { entry: string; table: string }): Promise<ChildResult> => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-e',
        CHILD,
        join(dist, 'dev', 'local-host', 'install-core.js'),
        join(dist, 'dev', 'local-host', 'functions-core.js'),
        target.entry,
        target.table,
        JSON.stringify(HEAVY),
      ],
      { cwd, env: { PATH: process.env.PATH, ...APP_SETTINGS }, timeout: 60_000 },
    );
    const result = childResultSchema.parse(JSON.parse(stdout));
    if (result.registered !== result.expected || result.registered === 0) {
      throw new Error(`${target.entry} registered ${result.registered} of ${result.expected} functions`);
    }
    return result;
  };
  try {
    for (let i = 0; i < WARMUP; i++) {
      await run(app);
      await run(bare);
    }
    const appRuns: ChildResult[] = [];
    const bareRuns: ChildResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      appRuns.push(await run(app));
      bareRuns.push(await run(bare));
    }
    const median = (runs: ChildResult[], pick: (result: ChildResult) => number) =>
      round(percentile(runs.map(pick), 50));
    const last = appRuns.at(-1);
    const bareLast = bareRuns.at(-1);
    if (last === undefined || bareLast === undefined) throw new Error('no runs');
    const figures = {
      appImportMedianMs: median(appRuns, (result) => result.importMs),
      bareImportMedianMs: median(bareRuns, (result) => result.importMs),
      appSinceProcessStartMedianMs: median(appRuns, (result) => result.sinceProcessStartMs),
      bareSinceProcessStartMedianMs: median(bareRuns, (result) => result.sinceProcessStartMs),
      appModules: last.modules,
      bareModules: bareLast.modules,
      appFunctions: last.registered,
      heavyModulesAtImport: last.heavy.length,
      connectionsAtImport: last.connections.length,
    };
    return {
      name: 'cold start',
      ratioOf:
        'app import median / bare @azure/functions app import median (fresh processes, until registered)',
      ratio: round(figures.appImportMedianMs / figures.bareImportMedianMs),
      inputs: {
        runs: RUNS,
        warmup: WARMUP,
        settings: 'identity-based, as in Azure; telemetry off',
        heavyLoadedAtImport: last.heavy.join(', ') || 'none',
        heavyDeferred: HEAVY.filter((name) => !last.heavy.includes(name)).join(', ') || 'none',
        ...(last.connections.length === 0 ? {} : { connections: last.connections.join('; ') }),
      },
      figures: {
        ...figures,
        sinceProcessStartRatio: round(
          figures.appSinceProcessStartMedianMs / figures.bareSinceProcessStartMedianMs,
        ),
      },
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
