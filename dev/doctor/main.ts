import { z } from 'zod';

import { readSources } from '../../src/shared/config/sources';
import { bearerTokenProvider, lazyCredential } from '../../src/shared/identity/azure-credential';
import { createRedactor, type Redact } from '../../src/shared/logging/redactor';
import { type CheckContext, fail } from './check';
import { checkCosmos } from './cosmos-checks';
import { checkModel } from './model-checks';
import { checkQueues } from './queue-checks';
import { createReport } from './report';
import { checkScoring } from './scoring-check';
import { checkSettings } from './settings-check';

// Local tooling reads its own environment; the app's settings table is for the app.
const options = z
  .object({ DOCTOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000) })
  .parse({ DOCTOR_TIMEOUT_MS: process.env.DOCTOR_TIMEOUT_MS || undefined });

const LOCAL_STAND_INS =
  'Some dependencies are not configured. `npm start` runs local stand-ins (Azurite, the Cosmos DB emulator, ' +
  'the Azure OpenAI and Azure ML simulators) for every unset endpoint and hands them to the host it starts, ' +
  'so nothing needs configuring to run locally. doctor checks the settings the app itself reads: set them ' +
  'in local.settings.json (see local.settings.example.json), .env or the environment.';

let redact: Redact = createRedactor({});

/** `npm run doctor`: every setting and every configured dependency, one line each; exit 1 when broken. */
async function main(): Promise<boolean> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  let sources;
  try {
    sources = readSources();
  } catch (error) {
    // An unreadable local.settings.json: nothing else can be read, and its text is not echoed.
    const report = createReport(redact, write);
    report.add([
      fail('settings', error instanceof Error ? error.message : String(error), 'fix or remove the file'),
    ]);
    return report.finish();
  }
  const { results, config } = checkSettings(sources);
  // The redactor knows every secret that parsed before anything that could echo one is printed.
  redact = createRedactor(config);
  const report = createReport(redact, write);
  report.note(
    `Checking settings and dependencies (each check gives up after ${options.DOCTOR_TIMEOUT_MS} ms)`,
  );
  report.add(results);
  const credential = lazyCredential({ AZURE_CLIENT_ID: config.AZURE_CLIENT_ID });
  const context: CheckContext = {
    config,
    timeoutMs: options.DOCTOR_TIMEOUT_MS,
    credential,
    getToken: bearerTokenProvider(credential),
  };
  const dependencies = await Promise.all([
    checkModel(context),
    checkScoring(context),
    checkCosmos(context),
    checkQueues(context),
  ]);
  for (const checks of dependencies) report.add(checks);

  const unset =
    config.AZURE_OPENAI_ENDPOINT === undefined ||
    config.COSMOS_ENDPOINT === undefined ||
    (config.AzureWebJobsStorage === undefined &&
      config.AzureWebJobsStorage__queueServiceUri === undefined &&
      config.AzureWebJobsStorage__accountName === undefined);
  const healthy = report.finish();
  if (unset) report.note(`\n${LOCAL_STAND_INS}`);
  return healthy;
}

main().then(
  (healthy) => {
    // Exit now: an SDK client or a credential may hold a socket or a timer open.
    process.exit(healthy ? 0 : 1);
  },
  (error: unknown) => {
    process.stderr.write(
      redact(`doctor failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
    process.exit(1);
  },
);
