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
  '@opentelemetry/api',
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
/** As the Bicep sets it in Azure (the process exits before anything could be exported). */
const TELEMETRY_SETTINGS = {
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
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
const expected = functionTable === '-' ? 1 : require(functionTable).functionTable.length;
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

interface Target {
  readonly entry: string;
  readonly table: string;
  readonly env: Readonly<Record<string, string>>;
}

interface Summary {
  readonly wholeMs: number;
  readonly importMs: number;
  readonly modules: number;
  readonly heavy: readonly string[];
  readonly connections: readonly string[];
}

/**
 * Cold start: the time until every function is registered, for the built app with telemetry unset and
 * with APPLICATIONINSIGHTS_CONNECTION_STRING set (as in Azure), over a bare @azure/functions app with one
 * function. Whole process (since the process started) is the target; import only is reported beside.
 * Each figure is the median of fresh Node processes, the three kinds run alternately in one run, so that
 * a busy machine slows each of them alike.
 */
export async function benchColdStart(): Promise<BenchResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'cold-start-')); // no local.settings.json or .env of the developer's
  const dist = join(repoRoot, 'dist');
  const appFiles = {
    entry: join(dist, 'src', 'index.js'),
    table: join(dist, 'src', 'functions', 'index.js'),
  };
  const targets = {
    bare: { entry: join(repoRoot, 'bench', 'fixtures', 'bare-app.js'), table: '-', env: {} },
    app: { ...appFiles, env: APP_SETTINGS },
    appWithTelemetry: { ...appFiles, env: { ...APP_SETTINGS, ...TELEMETRY_SETTINGS } },
  } satisfies Record<string, Target>;
  const run = async (target: Target): Promise<ChildResult> => {
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
      { cwd, env: { PATH: process.env.PATH, ...target.env }, timeout: 60_000 },
    );
    const result = childResultSchema.parse(JSON.parse(stdout));
    if (result.registered !== result.expected || result.registered === 0) {
      throw new Error(`${target.entry} registered ${result.registered} of ${result.expected} functions`);
    }
    return result;
  };
  try {
    const kinds = Object.keys(targets) as (keyof typeof targets)[];
    const runs = { bare: [], app: [], appWithTelemetry: [] } as Record<keyof typeof targets, ChildResult[]>;
    for (let round = 0; round < WARMUP + RUNS; round++) {
      // Alternate, and rotate who goes first, so that no kind always follows the same one.
      for (let index = 0; index < kinds.length; index++) {
        const kind = kinds[(index + round) % kinds.length] ?? 'bare';
        const result = await run(targets[kind]);
        if (round >= WARMUP) runs[kind].push(result);
      }
    }
    const summarize = (results: ChildResult[]): Summary => {
      const last = results.at(-1);
      if (last === undefined) throw new Error('no runs');
      const median = (pick: (result: ChildResult) => number) => round(percentile(results.map(pick), 50));
      return {
        wholeMs: median((result) => result.sinceProcessStartMs),
        importMs: median((result) => result.importMs),
        modules: last.modules,
        heavy: last.heavy,
        connections: last.connections,
      };
    };
    const bare = summarize(runs.bare);
    const app = summarize(runs.app);
    const withTelemetry = summarize(runs.appWithTelemetry);
    const ratio = (of: Summary, pick: (summary: Summary) => number) => round(pick(of) / pick(bare));
    const connections = [...app.connections, ...withTelemetry.connections];
    return {
      name: 'cold start',
      ratioOf:
        'app / bare @azure/functions app with one function, whole process until registered (medians of alternating fresh processes); the larger of telemetry unset and set',
      ratio: Math.max(
        ratio(app, (summary) => summary.wholeMs),
        ratio(withTelemetry, (summary) => summary.wholeMs),
      ),
      target: '≤ 1.5',
      inputs: {
        runs: RUNS,
        warmup: WARMUP,
        settings: 'identity-based, as in Azure; telemetry unset, and set with Entra authentication',
        heavyLoadedAtImport: app.heavy.join(', ') || 'none',
        heavyLoadedAtImportWithTelemetry: withTelemetry.heavy.join(', ') || 'none',
        ...(connections.length === 0 ? {} : { connections: connections.join('; ') }),
      },
      figures: {
        wholeProcessRatio: ratio(app, (summary) => summary.wholeMs),
        wholeProcessRatioWithTelemetry: ratio(withTelemetry, (summary) => summary.wholeMs),
        importRatio: ratio(app, (summary) => summary.importMs),
        importRatioWithTelemetry: ratio(withTelemetry, (summary) => summary.importMs),
        appWholeMedianMs: app.wholeMs,
        appWithTelemetryWholeMedianMs: withTelemetry.wholeMs,
        bareWholeMedianMs: bare.wholeMs,
        appImportMedianMs: app.importMs,
        appWithTelemetryImportMedianMs: withTelemetry.importMs,
        bareImportMedianMs: bare.importMs,
        appModules: app.modules,
        appWithTelemetryModules: withTelemetry.modules,
        bareModules: bare.modules,
        appFunctions: runs.app.at(-1)?.registered ?? 0,
        connectionsAtImport: connections.length,
      },
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
