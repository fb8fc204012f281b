import { appInfo } from '../app-info';
import { createHealthService } from '../health/health-service';
import type { Models } from './model';
import type { Platform } from './platform';
import type { Storage } from './storage';

/** The deep health check: one probe per dependency. */
export function createHealth({ redact }: Platform, storage: Storage, models: () => Models) {
  return createHealthService({
    ...appInfo,
    timeoutMs: 5_000,
    redact,
    probes: () => [
      {
        name: 'cosmos',
        check: async () => {
          await (await storage.cosmos()).getDatabaseAccount();
        },
      },
      { name: 'model', check: (signal) => models().ping(signal) },
      {
        name: 'queues',
        check: async (signal) => {
          await (await storage.queueService()).getProperties({ abortSignal: signal });
        },
      },
    ],
  });
}
