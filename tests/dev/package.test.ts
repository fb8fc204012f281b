import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';

import { buildPackage, type DeploymentPackage, ZIPPED_BUDGET_BYTES } from '../../dev/package/build-package';
import { unzipInto, zipFolder } from '../../dev/package/zip-folder';
import { waitFor } from '../../dev/stack/ports';
import { COMPANY_SCHEMA } from '../support/company-schema';
import {
  type IngestionEndpoint,
  type ManagedIdentityEndpoint,
  startIngestionEndpoint,
  startManagedIdentityEndpoint,
  startTokenIssuer,
  type TokenIssuer,
} from '../support/local-servers';
import { getJson, repoRoot, startTestStack, type TestStack } from '../support/test-stack';

// The deployment package as azd uploads it (npm run package, zipped like azd zips it), unpacked into an
// empty folder and served from that folder alone by the local host, the way Azure serves it: managed
// identity for Azure OpenAI, jwt callers, telemetry to Application Insights.

interface LockEntry {
  version: string;
  dev?: boolean;
}
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const rootManifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};

const CLIENT_ID = '6f1c3a52-4b7e-4d9a-9c1e-2f8a7b6c5d40';
const SCHEMA = COMPANY_SCHEMA;

/** The names of the functions the app at `appRoot` registers, captured in a plain Node process. */
function registeredBy(appRoot: string, main: string, env: Record<string, string>): string[] {
  const core = join(repoRoot, 'dist/dev/local-host');
  const script = [
    `require(${JSON.stringify(join(core, 'install-core'))}).installFunctionsCore();`,
    `require(${JSON.stringify(join(appRoot, main))});`,
    `const { registrations } = require(${JSON.stringify(join(core, 'functions-core'))});`,
    'process.stdout.write(JSON.stringify(registrations.map((r) => r.name)));',
  ].join('');
  return (
    JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: appRoot, env }).toString()) as string[]
  ).sort();
}

describe('the deployment package, unpacked into an empty folder and served from it', () => {
  let built: DeploymentPackage;
  let zip: Uint8Array;
  let zipEntries: string[];
  let workDir: string;
  let appRoot: string;
  let stack: TestStack;
  let base: string;
  let identity: ManagedIdentityEndpoint;
  let ingestion: IngestionEndpoint;
  let issuer: TokenIssuer;
  const as = async (user: string) => ({ authorization: `Bearer ${await issuer.token(user)}` });

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'package-test-'));
    built = await buildPackage({ projectRoot: repoRoot, folder: join(workDir, 'package') });
    zip = zipFolder(built.folder);
    appRoot = mkdtempSync(join(tmpdir(), 'unpacked-'));
    zipEntries = unzipInto(zip, appRoot).sort();

    [identity, ingestion, issuer] = await Promise.all([
      startManagedIdentityEndpoint(),
      startIngestionEndpoint(),
      startTokenIssuer(),
    ]);
    stack = await startTestStack({ appRoot });
    base = (
      await stack.startHost({
        ...issuer.settings,
        // Azure OpenAI with the app's managed identity rather than a key, as in Azure.
        AZURE_OPENAI_API_KEY: '',
        AZURE_CLIENT_ID: CLIENT_ID,
        ...identity.env,
        APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
        ...ingestion.env,
        // Spans leave within 200 ms; statsbeat would post to Microsoft's own endpoints, unreachable here.
        OTEL_BSP_SCHEDULE_DELAY: '200',
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
      })
    ).url;
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([identity.close(), ingestion.close(), issuer.close()]);
    rmSync(appRoot, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('when it is zipped as azd zips it, then it stays within its budget and holds only what runs in Azure', () => {
    expect(zip.byteLength).toBeLessThanOrEqual(ZIPPED_BUDGET_BYTES);
    const topLevel = [...new Set(zipEntries.map((entry) => entry.split('/')[0]))].sort();
    expect(topLevel).toEqual(['data', 'dist', 'host.json', 'node_modules', 'package.json']);
    const forbidden = zipEntries.filter((entry) =>
      /(^|\/)(\.env[^/]*|local\.settings\.json|\.funcignore|structured_responses\.json|__azurite_db_[^/]*|__(blob|queue)storage__)$|\.log$|^(dev|tests|bench|infra|src)\//.test(
        entry,
      ),
    );
    expect(forbidden).toEqual([]);
    expect(zipEntries.filter((entry) => !entry.startsWith('node_modules/') && entry.endsWith('.ts'))).toEqual(
      [],
    );
  });

  it('when node_modules is listed, then every package in it is a production dependency and none a devDependency', () => {
    const folders = [
      ...new Set(
        zipEntries.flatMap((entry) => {
          const match = /^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(
            entry,
          );
          return match?.[1] === undefined ? [] : [match[1]];
        }),
      ),
    ];
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      const entry = lock.packages[folder];
      expect({ folder, locked: entry !== undefined, dev: entry?.dev === true }).toEqual({
        folder,
        locked: true,
        dev: false,
      });
    }
    const devNames = Object.keys(rootManifest.devDependencies);
    expect(
      folders.filter((folder) => devNames.some((name) => folder.endsWith(`node_modules/${name}`))),
    ).toEqual([]);
  });

  it('when package.json is read, then main is the bundle and no bundled file loads anything but Node built-ins, the packages shipped beside it and its own files', () => {
    const manifest = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as {
      main: string;
      version: string;
      dependencies: Record<string, string>;
      devDependencies?: unknown;
      scripts?: unknown;
    };
    expect(manifest.main).toBe('dist/index.js');
    expect(zipEntries).toContain(manifest.main);
    expect(manifest.version).toBe(rootManifest.version);
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
    expect(Object.keys(manifest.dependencies)).toContain('@azure/functions');

    // The entry (CommonJS) and the modules it loads on first use (ES modules, dist/lazy/): every
    // require(), import ... from and import() esbuild wrote names a built-in, a package or a file.
    const bundled = zipEntries.filter((entry) => entry.startsWith('dist/') && /\.m?js$/.test(entry));
    expect(bundled.length).toBeGreaterThan(10);
    // esbuild writes each static import on lines of its own; calls anywhere.
    const statements = /^(?:import|export|\}) (?:[^\n"]* )?from "([^"]+)";$|^import "([^"]+)";$/gm;
    const calls = /(?<![\w$"'`.])(?:__require|require|import)\("([^"]+)"\)/g;
    const specifiers = bundled.flatMap((file) => {
      const code = readFileSync(join(appRoot, file), 'utf8');
      return [...code.matchAll(statements), ...code.matchAll(calls)].map((match) => ({
        file,
        specifier: match[1] ?? match[2] ?? match[3] ?? '',
      }));
    });
    const files = specifiers.filter(({ specifier }) => specifier.startsWith('.'));
    expect(files.length).toBeGreaterThan(10);
    for (const { file, specifier } of files) {
      expect({
        file,
        specifier,
        shipped: zipEntries.includes(posix.join(posix.dirname(file), specifier)),
      }).toEqual({
        file,
        specifier,
        shipped: true,
      });
    }
    const required = [
      ...new Set(specifiers.map(({ specifier }) => specifier).filter((name) => !name.startsWith('.'))),
    ];
    expect(required).toContain('@azure/functions');
    const unexpected = required.filter(
      (name) =>
        !builtinModules.includes(name.replace(/^node:/, '')) &&
        name !== '@azure/functions-core' &&
        !Object.keys(manifest.dependencies).some(
          (dependency) => name === dependency || name.startsWith(`${dependency}/`),
        ),
    );
    expect(unexpected).toEqual([]);
  });

  it('when its entry is read, then it holds only what registration needs (cold start): no classic zod, no SDK', () => {
    const entry = readFileSync(join(appRoot, 'dist/index.js'), 'utf8');
    // 356 KiB today: @azure/functions, zod/mini, croner and the settings. Classic zod alone added 700 KiB.
    expect(Buffer.byteLength(entry) / 1024).toBeLessThan(500);
    expect(entry).not.toMatch(/node_modules\/zod\/v4\/classic\//);
    expect(entry).not.toMatch(
      /node_modules\/(@azure\/(cosmos|storage-queue|identity|monitor-opentelemetry)|openai)\//,
    );
  });

  it('when the host loads it, then it registers and serves every function the app registers from the build', async () => {
    const env = { ...process.env, ...stack.env } as Record<string, string>;
    const fromBuild = registeredBy(repoRoot, 'dist/src/index.js', env);
    const fromPackage = registeredBy(appRoot, 'dist/index.js', env);
    expect(fromBuild.length).toBeGreaterThanOrEqual(10);
    expect(fromPackage).toEqual(fromBuild);
    const { body } = await getJson(`${base}/admin/functions`);
    expect((body as { name: string }[]).map((item) => item.name).sort()).toEqual(fromBuild);
  });

  it('when health is asked, then the package answers healthy with its version', async () => {
    const { status, body } = await getJson(`${base}/api/health`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'healthy', version: rootManifest.version });
  });

  it('when a jwt caller chats, then openai, jose and the scoring and stats tools run from the package, with the managed identity', async () => {
    const headers = { 'content-type': 'application/json', ...(await as('package-user-1')) };
    const scored = await getJson(`${base}/api/chat`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        message:
          'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?',
      }),
    });
    expect(scored.status).toBe(200);
    expect(scored.body).toMatchObject({
      actions_result: [{ tool: 'predict_customer', result: { prediction: { source: 'aml' } } }],
    });
    const stat = await getJson(`${base}/api/chat`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ message: 'what is the satisfied_share statistic? key: satisfied_share' }),
    });
    expect(stat.body).toMatchObject({
      actions_result: [{ tool: 'get_stat', result: { key: 'satisfied_share', value: 0.43 } }],
    });
    // Azure OpenAI was called with a token from the managed identity endpoint, for the identity's client id.
    expect(identity.requests).toContainEqual({
      resource: expect.stringContaining('cognitiveservices.azure.com'),
      clientId: CLIENT_ID,
    });
    expect((await getJson(`${base}/api/chat`, { method: 'POST', body: '{"message":"hi"}' })).status).toBe(
      401,
    );
  });

  it('when conversations are listed, then Cosmos DB is read from the package, per user', async () => {
    const headers = await as('package-user-2');
    const created = await getJson(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ message: 'hello from the package' }),
    });
    expect(created.status).toBe(200);
    const { status, body } = await getJson(`${base}/api/conversations`, { headers });
    expect(status).toBe(200);
    expect(JSON.stringify(body)).toContain((created.body as { conversationId: string }).conversationId);
  });

  it('when a batch job runs, then its schema (ajv) and queues (storage-queue) work from the package', async () => {
    const headers = { 'content-type': 'application/json', ...(await as('package-user-3')) };
    const submitted = await getJson(`${base}/api/batch-jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        items: [
          'Contoso has stock symbol CTS and employees 5',
          'Fabrikam has stock symbol FAB and employees 7',
        ],
        schema: SCHEMA,
      }),
    });
    expect(submitted.status).toBe(202);
    const { jobId } = submitted.body as { jobId: string };
    const status = async () =>
      (await getJson(`${base}/api/batch-jobs/${jobId}`, { headers })).body as { pending: number };
    await waitFor(async () => (await status()).pending === 0, 60_000, `job ${jobId}`);
    expect(await status()).toMatchObject({ status: 'completed', succeeded: 2, failed: 0 });
  });

  // After the turns and the batch job above, whose spans it looks for.
  it('when telemetry is on, then the Azure Monitor distro exports the model, history and Azure SDK spans from the package', async () => {
    const dependencies = () =>
      ingestion.envelopes.flatMap((envelope) =>
        envelope.data?.baseType === 'RemoteDependencyData' && envelope.data.baseData !== undefined
          ? [envelope.data.baseData]
          : [],
      );
    // Spans the app starts itself (one @opentelemetry/api shared with the distro), and spans of the Azure
    // SDKs it bundles (the distro patched the @azure/core-tracing shipped beside the bundle). The local
    // host's own queue polling has no correlation id: only the app's calls carry one.
    const fromApp = (name: RegExp, sdk = false) =>
      dependencies().some(
        (item) =>
          name.test(item.name ?? '') &&
          item.properties?.['app.correlation_id'] !== undefined &&
          (!sdk || item.properties['az.namespace'] === 'Microsoft.Storage'),
      );
    await waitFor(
      () =>
        Promise.resolve(
          fromApp(/^chat /) && fromApp(/^cosmos /) && fromApp(/^QueueClient-sendMessage$/, true),
        ),
      30_000,
      'the model, history and queue spans at the ingestion endpoint',
    );
  });
});
