import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { Metafile } from 'esbuild';
import { z } from 'zod';

import { buildPackage } from '../dev/package/build-package';
import { ENTRY } from '../dev/package/bundle-app';
import { repoRoot } from '../dev/stack/isolated-stack';
import { functionTable } from '../src/functions';
import { keysOf } from '../src/shared/typed-object';
import { type BenchResult, percentile, round } from './measure';

const RUNS = 21;
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
const [installCore, functionsCore, app, heavyJson] = process.argv.slice(1);
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
process.stdout.write(JSON.stringify({
  importMs: registeredAt - started,
  sinceProcessStartMs: registeredAt,
  registered: registrations.length,
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
  modules: z.number(),
  heavy: z.array(z.string()),
  connections: z.array(z.string()),
});
type ChildResult = z.infer<typeof childResultSchema>;

interface Target {
  readonly entry: string;
  /** Functions it registers. */
  readonly functions: number;
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
 * Cold start: the time until every function is registered, for the deployment package (`npm run
 * package`, what Azure runs) with telemetry unset and with APPLICATIONINSIGHTS_CONNECTION_STRING set (as
 * the Bicep sets it), over a bare @azure/functions app with one function. Whole process (since the
 * process started) is the target; import only, module counts and the tsc build (dist/, what `npm start`
 * and the tests run) are reported beside. Each figure is the median of fresh Node processes, every kind
 * run alternately in one run, so that a busy machine slows each of them alike.
 */
export async function benchColdStart(): Promise<BenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'cold-start-')); // no local.settings.json or .env of the developer's
  const cwd = join(work, 'cwd');
  mkdirSync(cwd);
  const dist = join(repoRoot, 'dist');
  const built = await buildPackage({ projectRoot: repoRoot, folder: join(work, 'package') });
  const functions = functionTable.length;
  const withTelemetry = { ...APP_SETTINGS, ...TELEMETRY_SETTINGS };
  const targets = {
    bare: { entry: join(repoRoot, 'bench', 'fixtures', 'bare-app.js'), functions: 1, env: {} },
    package: { entry: join(built.folder, ENTRY), functions, env: APP_SETTINGS },
    packageWithTelemetry: { entry: join(built.folder, ENTRY), functions, env: withTelemetry },
    build: { entry: join(dist, 'src', 'index.js'), functions, env: APP_SETTINGS },
    buildWithTelemetry: { entry: join(dist, 'src', 'index.js'), functions, env: withTelemetry },
  } satisfies Record<string, Target>;
  type Kind = keyof typeof targets;
  const run = async (target: Target): Promise<ChildResult> => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-e',
        CHILD,
        join(dist, 'dev', 'local-host', 'install-core.js'),
        join(dist, 'dev', 'local-host', 'functions-core.js'),
        target.entry,
        JSON.stringify(HEAVY),
      ],
      { cwd, env: { PATH: process.env.PATH, ...target.env }, timeout: 60_000 },
    );
    const result = childResultSchema.parse(JSON.parse(stdout));
    if (result.registered !== target.functions) {
      throw new Error(`${target.entry} registered ${result.registered} of ${target.functions} functions`);
    }
    return result;
  };
  try {
    const kinds = keysOf(targets);
    const runs = Object.fromEntries(kinds.map((kind) => [kind, [] as ChildResult[]])) as Record<
      Kind,
      ChildResult[]
    >;
    for (let round = 0; round < WARMUP + RUNS; round++) {
      // Alternate, and rotate who goes first, so that no kind always follows the same one.
      for (let index = 0; index < kinds.length; index++) {
        const kind = kinds[(index + round) % kinds.length] ?? 'bare';
        const result = await run(targets[kind]);
        if (round >= WARMUP) runs[kind].push(result);
      }
    }
    const summary = (kind: Kind): Summary => {
      const results = runs[kind];
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
    const of = Object.fromEntries(kinds.map((kind) => [kind, summary(kind)])) as Record<Kind, Summary>;
    const whole = (kind: Kind) => round(of[kind].wholeMs / of.bare.wholeMs);
    const importOnly = (kind: Kind) => round(of[kind].importMs / of.bare.importMs);
    const apps = kinds.filter((kind) => kind !== 'bare');
    const connections = apps.flatMap((kind) => of[kind].connections);
    return {
      name: 'cold start',
      ratioOf:
        'deployment package / bare @azure/functions app with one function, whole process until every function is registered (medians of alternating fresh processes); the larger of telemetry unset and set',
      ratio: Math.max(whole('package'), whole('packageWithTelemetry')),
      target: '≤ 1.5',
      inputs: {
        runs: RUNS,
        warmup: WARMUP,
        settings: 'identity-based, as in Azure; telemetry unset, and set with Entra authentication',
        ...Object.fromEntries(
          apps.map((kind) => [`${kind}HeavyAtImport`, of[kind].heavy.join(', ') || 'none']),
        ),
        ...(connections.length === 0 ? {} : { connections: connections.join('; ') }),
      },
      figures: {
        ...Object.fromEntries(apps.map((kind) => [`${kind}WholeRatio`, whole(kind)])),
        ...Object.fromEntries(apps.map((kind) => [`${kind}ImportRatio`, importOnly(kind)])),
        ...Object.fromEntries(kinds.map((kind) => [`${kind}WholeMedianMs`, of[kind].wholeMs])),
        ...Object.fromEntries(kinds.map((kind) => [`${kind}ImportMedianMs`, of[kind].importMs])),
        ...Object.fromEntries(kinds.map((kind) => [`${kind}Modules`, of[kind].modules])),
        packageEntryKiB: round(entryBytes(built.bundle.entry) / 1024, 1),
        packageEntrySourceModules: Object.keys(built.bundle.entry.inputs).length,
        functions,
        connectionsAtImport: connections.length,
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function entryBytes(metafile: Metafile): number {
  return Object.values(metafile.outputs)
    .filter((output) => output.entryPoint !== undefined)
    .reduce((total, output) => total + output.bytes, 0);
}
