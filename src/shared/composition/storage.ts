import { createCosmosClient } from '../cosmos/cosmos-client';
import { createContainerProvider } from '../cosmos/cosmos-containers';
import { once } from '../lazy';
import { createQueueSender } from '../queues/queue-sender';
import { createQueueServiceClient, isLocalStorage } from '../queues/queue-service';
import type { Platform } from './platform';

/** Cosmos DB and the storage queues: one client each per process, created on first use. */
export function createStorage({ config, credential }: Platform) {
  const cosmos = once(() => createCosmosClient(config, credential));
  const queueService = once(() => createQueueServiceClient(config, credential));
  return {
    cosmos,
    containers: createContainerProvider(cosmos, config),
    queueService,
    sendToQueue: createQueueSender(queueService, { createMissing: isLocalStorage(config) }),
  };
}

export type Storage = ReturnType<typeof createStorage>;
