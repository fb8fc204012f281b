import type { TokenCredential } from '@azure/core-auth';
import type { QueueServiceClient } from '@azure/storage-queue';

import type { AppConfig } from '../config/settings';
import { loadStorageQueue } from '../lazy-modules';

type StorageSettings = Pick<
  AppConfig,
  'AzureWebJobsStorage' | 'AzureWebJobsStorage__queueServiceUri' | 'AzureWebJobsStorage__accountName'
>;

/**
 * The queue service the Functions host triggers from: a connection string locally (the SDK understands
 * `UseDevelopmentStorage=true`), identity-based access in Azure.
 */
export async function createQueueServiceClient(
  config: StorageSettings,
  credential: () => Promise<TokenCredential>,
): Promise<QueueServiceClient> {
  const { QueueServiceClient: Client } = await loadStorageQueue();
  const connection = config.AzureWebJobsStorage;
  if (connection !== undefined) return Client.fromConnectionString(connection);
  const uri =
    config.AzureWebJobsStorage__queueServiceUri ??
    (config.AzureWebJobsStorage__accountName === undefined
      ? undefined
      : `https://${config.AzureWebJobsStorage__accountName}.queue.core.windows.net`);
  if (uri === undefined) throw new Error('AzureWebJobsStorage is not set');
  return new Client(uri, await credential());
}

/** Queue messages are base64, as the Functions host expects (`messageEncoding: base64`). */
export function encodeQueueMessage(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
}

/** Local storage (Azurite): queues may be created on demand; in Azure the Bicep creates them. */
export function isLocalStorage(config: Pick<AppConfig, 'AzureWebJobsStorage'>): boolean {
  const connection = config.AzureWebJobsStorage ?? '';
  return (
    /UseDevelopmentStorage=true/i.test(connection) ||
    /Endpoint=https?:\/\/(127\.0\.0\.1|localhost)[:/]/i.test(connection)
  );
}
