import { integer, list, setting } from '../src/shared/config/setting';

/** Settings of the local-only tooling (local host, emulators, simulators); never read by the deployed app. */
export const devSettings = {
  PORT: setting(integer(7071, 1, 65_535), { description: 'Port of the local Functions host' }),
  LOCAL_HOST_QUEUE_LEASE_SECONDS: setting(integer(30, 2, 600), {
    description:
      'How long a queue message stays invisible while the local host processes it (renewed at half-time)',
  }),
  AZURITE_BLOB_PORT: setting(integer(10_000, 1, 65_535), { description: 'Port of the Azurite blob service' }),
  AZURITE_QUEUE_PORT: setting(integer(10_001, 1, 65_535), {
    description: 'Port of the Azurite queue service',
  }),
  AZURITE_TABLE_PORT: setting(integer(10_002, 1, 65_535), {
    description: 'Port of the Azurite table service',
  }),
  COSMOS_EMULATOR_PORT: setting(integer(8_081, 1, 65_535), {
    description: 'Port of the local Cosmos DB emulator',
  }),
  MODEL_SIMULATOR_PORT: setting(integer(7_072, 1, 65_535), {
    description: 'Port of the local Azure OpenAI simulator',
  }),
  MODEL_SIMULATOR_DEPLOYMENTS: setting(list(), {
    description:
      'Deployments of the local model simulator, each <name>, <name>:reasoning|classic or <name>:<profile>@<model> (default: AZURE_OPENAI_DEPLOYMENT and the allowlist, as reasoning deployments)',
  }),
  SCORING_SIMULATOR_PORT: setting(integer(7_073, 1, 65_535), {
    description: 'Port of the local Azure ML scoring simulator',
  }),
  SANDBOX_SIMULATOR_PORT: setting(integer(7_074, 1, 65_535), {
    description: 'Port of the local dynamic sessions (connector sandbox) simulator',
  }),
} as const;

/** Where `npm run build` puts the reference web app (webapp/vite.config.mts); the local host serves it at `/`. */
export const WEB_APP_DIR = 'dist/webapp';
