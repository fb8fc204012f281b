import { randomBytes } from 'node:crypto';

import type { ValuesOf } from '../../src/shared/config/load-config';
import type { AppConfig } from '../../src/shared/config/settings';
import type { devSettings } from '../dev-settings';
import { type ModelSimulator, type ModelSimulatorOptions, startModelSimulator } from '../model-simulator';
import { type SandboxSimulator, startSandboxSimulator } from '../sandbox-simulator';
import { type ScoringSimulator, startScoringSimulator } from '../scoring-simulator';
import { type Azurite, startAzurite } from './azurite';
import { type CosmosEmulator, startCosmosEmulator } from './cosmos-emulator';

export interface ServiceRow {
  readonly service: string;
  readonly url: string;
  readonly kind: 'local' | 'real';
}

export interface Stack {
  /** Settings for the app: the local services' endpoints and keys, over what the user configured. */
  readonly env: Record<string, string>;
  readonly rows: ServiceRow[];
  readonly azurite?: Azurite;
  readonly cosmos?: CosmosEmulator;
  readonly model?: ModelSimulator;
  readonly scoring?: ScoringSimulator;
  readonly sandbox?: SandboxSimulator;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** The app settings as configured (not yet checked for required ones: the stack fills those in). */
  readonly config: Partial<AppConfig>;
  readonly dev: ValuesOf<typeof devSettings>;
  /** Tests need only the queue service of Azurite. */
  readonly queueOnly?: boolean;
  readonly model?: ModelSimulatorOptions;
}

const DEPLOYMENT = 'chat';

/**
 * Starts a local stand-in for every dependency whose endpoint setting is unset: Azurite for queues,
 * the Cosmos DB emulator, the Azure OpenAI simulator, the Azure ML scoring simulator and the dynamic
 * sessions simulator (the connector runner's sandbox; the runner itself stays off unless CONNECTORS_ENABLED).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { config, dev } = options;
  const env: Record<string, string> = {};
  const rows: ServiceRow[] = [];
  const started: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((stopService) => stopService()));
  };
  try {
    let azurite: Azurite | undefined;
    const storage = config.AzureWebJobsStorage;
    const identityStorage =
      config.AzureWebJobsStorage__queueServiceUri ?? config.AzureWebJobsStorage__accountName;
    if (
      (storage === undefined || /^UseDevelopmentStorage=true/i.test(storage)) &&
      identityStorage === undefined
    ) {
      const queues = await startAzurite({
        blobPort: dev.AZURITE_BLOB_PORT,
        queuePort: dev.AZURITE_QUEUE_PORT,
        tablePort: dev.AZURITE_TABLE_PORT,
        ...(options.queueOnly === undefined ? {} : { queueOnly: options.queueOnly }),
      });
      azurite = queues;
      started.push(() => queues.stop());
      env.AzureWebJobsStorage = queues.connectionString;
      rows.push({ service: 'Storage queues (Azurite)', url: queues.queueEndpoint, kind: 'local' });
    } else {
      rows.push({ service: 'Storage queues', url: identityStorage ?? 'connection string', kind: 'real' });
    }

    let cosmos: CosmosEmulator | undefined;
    if (config.COSMOS_ENDPOINT === undefined) {
      const emulator = await startCosmosEmulator(dev.COSMOS_EMULATOR_PORT);
      cosmos = emulator;
      started.push(() => emulator.stop());
      env.COSMOS_ENDPOINT = emulator.endpoint;
      env.COSMOS_KEY = emulator.key;
      rows.push({ service: 'Cosmos DB (emulator)', url: emulator.endpoint, kind: 'local' });
    } else {
      rows.push({ service: 'Cosmos DB', url: config.COSMOS_ENDPOINT, kind: 'real' });
    }

    let model: ModelSimulator | undefined;
    if (config.AZURE_OPENAI_ENDPOINT === undefined) {
      const apiKey = options.model?.apiKey ?? randomBytes(24).toString('hex');
      // Reasoning deployments, as a new deployment on Azure is today, unless told otherwise.
      const deployments =
        dev.MODEL_SIMULATOR_DEPLOYMENTS.length > 0
          ? dev.MODEL_SIMULATOR_DEPLOYMENTS
          : [
              config.AZURE_OPENAI_DEPLOYMENT ?? DEPLOYMENT,
              ...(config.AZURE_OPENAI_ALLOWED_DEPLOYMENTS ?? []),
            ].map((name) => `${name}:reasoning`);
      const simulator = await startModelSimulator({
        port: dev.MODEL_SIMULATOR_PORT,
        apiKey,
        deployments,
        ...options.model,
      });
      model = simulator;
      started.push(() => simulator.close());
      env.AZURE_OPENAI_ENDPOINT = simulator.url;
      env.AZURE_OPENAI_API_KEY = apiKey;
      env.AZURE_OPENAI_DEPLOYMENT = config.AZURE_OPENAI_DEPLOYMENT ?? DEPLOYMENT;
      rows.push({
        service: `Azure OpenAI (simulator: ${(options.model?.deployments ?? deployments).join(', ')})`,
        url: simulator.url,
        kind: 'local',
      });
    } else {
      rows.push({ service: 'Azure OpenAI', url: config.AZURE_OPENAI_ENDPOINT, kind: 'real' });
    }

    let scoring: ScoringSimulator | undefined;
    if (config.AML_SCORING_URI === undefined) {
      const apiKey = randomBytes(24).toString('hex');
      const simulator = await startScoringSimulator({ port: dev.SCORING_SIMULATOR_PORT, apiKey });
      scoring = simulator;
      started.push(() => simulator.close());
      env.AML_SCORING_URI = simulator.url;
      env.AML_API_KEY = apiKey;
      rows.push({ service: 'Azure ML scoring (simulator)', url: simulator.url, kind: 'local' });
    } else {
      rows.push({ service: 'Azure ML scoring', url: config.AML_SCORING_URI, kind: 'real' });
    }

    const sandbox = await startSandboxStandIn(config, dev.SANDBOX_SIMULATOR_PORT, env, rows);
    if (sandbox !== undefined) started.push(() => sandbox.close());

    return {
      env,
      rows,
      ...(azurite === undefined ? {} : { azurite }),
      ...(cosmos === undefined ? {} : { cosmos }),
      ...(model === undefined ? {} : { model }),
      ...(scoring === undefined ? {} : { scoring }),
      ...(sandbox === undefined ? {} : { sandbox }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const SANDBOX_POOLS = {
  CONNECTORS_SESSIONS_PYTHON_ENDPOINT: 'pythonpool',
  CONNECTORS_SESSIONS_PYTHON_EGRESS_ENDPOINT: 'pythonegress',
  CONNECTORS_SESSIONS_JAVASCRIPT_ENDPOINT: 'nodepool',
  CONNECTORS_SESSIONS_JAVASCRIPT_EGRESS_ENDPOINT: 'nodeegress',
} as const;

/** The dynamic sessions simulator, with its four pools, unless a pool endpoint is configured. */
async function startSandboxStandIn(
  config: Partial<AppConfig>,
  port: number,
  env: Record<string, string>,
  rows: ServiceRow[],
): Promise<SandboxSimulator | undefined> {
  const names = Object.keys(SANDBOX_POOLS) as (keyof typeof SANDBOX_POOLS)[];
  const configured = names.filter((name) => config[name] !== undefined);
  if (configured.length > 0) {
    for (const name of configured)
      rows.push({ service: `Dynamic sessions (${name})`, url: config[name] ?? '', kind: 'real' });
    return undefined;
  }
  const token = randomBytes(24).toString('hex');
  const simulator = await startSandboxSimulator({ port, token });
  for (const name of names) env[name] = simulator.endpoint(SANDBOX_POOLS[name]);
  env.CONNECTORS_SESSIONS_TOKEN = token;
  const problem = simulator.isolationProblem;
  rows.push({
    service:
      problem === undefined
        ? 'Dynamic sessions (sandbox simulator)'
        : `Dynamic sessions (simulator; cannot run code: ${problem})`,
    url: simulator.url,
    kind: 'local',
  });
  return simulator;
}
