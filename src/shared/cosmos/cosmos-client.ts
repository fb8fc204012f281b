import { Agent } from 'node:https';

import type { TokenCredential } from '@azure/core-auth';
import type { CosmosClient } from '@azure/cosmos';

import type { AppConfig } from '../config/settings';
import { loadCosmos } from '../lazy-modules';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for an endpoint on this machine: only there is the emulator's self-signed certificate accepted. */
export function isLocalEndpoint(endpoint: string): boolean {
  return LOCAL_HOSTS.has(new URL(endpoint).hostname);
}

/**
 * A Cosmos DB client: key auth when COSMOS_KEY is set (the local emulator), else Microsoft Entra ID.
 */
export async function createCosmosClient(
  config: Pick<AppConfig, 'COSMOS_ENDPOINT' | 'COSMOS_KEY'>,
  credential: () => Promise<TokenCredential>,
): Promise<CosmosClient> {
  const endpoint = config.COSMOS_ENDPOINT;
  if (endpoint === undefined) throw new Error('COSMOS_ENDPOINT is not set');
  const { CosmosClient: Client } = await loadCosmos();
  const local = isLocalEndpoint(endpoint);
  const agent = local ? new Agent({ rejectUnauthorized: false, keepAlive: true }) : undefined;
  const auth =
    config.COSMOS_KEY === undefined ? { aadCredentials: await credential() } : { key: config.COSMOS_KEY };
  return new Client({
    endpoint,
    ...auth,
    ...(agent === undefined ? {} : { agent }),
    // The emulator has no geo-replication metadata; real accounts keep discovery on.
    connectionPolicy: { enableEndpointDiscovery: !local, requestTimeout: 10_000 },
  });
}
