// Writes local.settings.json from the azd environment (`azd env get-values`), so `npm start` runs
// against the provisioned Azure OpenAI, Cosmos DB and Azure ML endpoints with your own Microsoft Entra
// sign-in (az login / azd auth login). Run by the postprovision hook; safe to run again by hand.
//
// - Only endpoints and names are copied: the provisioned resources accept no key.
// - A key a previous local setup left for a service now pointed at Azure is removed, since the
//   service would refuse it.
// - AUTH_MODE is none: local runs only (the app refuses none in Azure).
// - Queues stay on Azurite: the deployed app consumes the Azure queues, and a local host listening
//   on them would take its messages.
// - Every other value already in the file is kept.
//
// azd runs it with the `node` on your PATH, not the project's Node.js 22, so it uses nothing newer than
// Node.js 18 has: azd prints the values as JSON (`--output json`), and no .env parser is needed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const file = 'local.settings.json';

/** Copied as they are: the Bicep outputs are named after the app settings. */
const copied = [
  'AZURE_OPENAI_ENDPOINT',
  'AZURE_OPENAI_DEPLOYMENT',
  'AZURE_OPENAI_API_VERSION',
  'COSMOS_ENDPOINT',
  'COSMOS_DATABASE',
  'AML_SCORING_URI',
  'AML_DEPLOYMENT',
];

/** The key setting that would override Microsoft Entra sign-in for an endpoint. */
const keyFor = {
  AZURE_OPENAI_ENDPOINT: 'AZURE_OPENAI_API_KEY',
  COSMOS_ENDPOINT: 'COSMOS_KEY',
  AML_SCORING_URI: 'AML_API_KEY',
};

function readAzdEnvironment() {
  let output;
  try {
    output = execFileSync('azd', ['env', 'get-values', '--output', 'json'], { encoding: 'utf8' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `could not read the azd environment (is azd installed and an environment selected?): ${reason}`,
    );
  }
  const values = JSON.parse(output);
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new Error('azd env get-values --output json did not print an object');
  }
  return Object.fromEntries(Object.entries(values).filter((entry) => typeof entry[1] === 'string'));
}

function readLocalSettings() {
  if (!existsSync(file)) return { IsEncrypted: false, Values: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file} must hold a JSON object`);
  }
  return { ...parsed, Values: { ...(parsed.Values ?? {}) } };
}

function main() {
  const azd = readAzdEnvironment();
  const settings = readLocalSettings();
  const values = settings.Values;
  const written = [];
  const removed = [];

  for (const name of copied) {
    const value = azd[name];
    if (value === undefined || value.trim() === '') continue;
    values[name] = value;
    written.push(name);
    const key = keyFor[name];
    if (key !== undefined && key in values) {
      delete values[key];
      removed.push(key);
    }
  }
  values.AUTH_MODE = 'none';
  values.FUNCTIONS_WORKER_RUNTIME ??= 'node';
  if (values.AzureWebJobsStorage === undefined && values.AzureWebJobsStorage__queueServiceUri === undefined) {
    values.AzureWebJobsStorage = 'UseDevelopmentStorage=true';
  }

  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  console.log(`${file}: wrote ${[...written, 'AUTH_MODE'].join(', ')}`);
  if (removed.length > 0) {
    console.log(
      `${file}: removed ${removed.join(', ')} (the provisioned resources accept Microsoft Entra ID only)`,
    );
  }
}

try {
  main();
} catch (error) {
  console.error(`write-local-settings: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
