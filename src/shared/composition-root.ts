import type { InvocationContext } from '@azure/functions';

import { appInfo } from './app-info';
import { loadConfig, type LoadedConfig, type Provenance } from './config/load-config';
import type { AppConfig } from './config/settings';
import { createCosmosClient } from './cosmos/cosmos-client';
import { createHealthService, type HealthService } from './health/health-service';
import { lazyCredential } from './identity/azure-credential';
import { consoleSink, createLogger, type Logger, type LogSink } from './logging/logger';
import { createRedactor, type Redact } from './logging/redactor';
import { createQueueServiceClient } from './queues/queue-service';

/** Everything the triggers use, built once per process. */
export interface Services {
  readonly config: AppConfig;
  readonly provenance: Provenance;
  readonly redact: Redact;
  /** A logger writing through the invocation context (so it reaches Application Insights), or the console. */
  logger(context?: InvocationContext): Logger;
  readonly health: HealthService;
}

let services: Services | undefined;

/** The process's services. The first call parses the configuration (cold start); a bad one throws ConfigError. */
export function getServices(): Services {
  return (services ??= buildServices(loadConfig()));
}

/** Clears the cached services (tests only). */
export function resetServices(): void {
  services = undefined;
}

function once<T>(factory: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= factory().catch((error: unknown) => {
      value = undefined; // a failed connection attempt is retried on the next call
      throw error;
    });
    return value;
  };
}

export function buildServices({ values: config, provenance }: LoadedConfig): Services {
  const redact = createRedactor(config);
  const credential = lazyCredential(config);
  const cosmos = once(() => createCosmosClient(config, credential));
  const queues = once(() => createQueueServiceClient(config, credential));

  const logger = (context?: InvocationContext): Logger =>
    createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, redact, sink: contextSink(context) });

  const health = createHealthService({
    ...appInfo,
    timeoutMs: 5_000,
    redact,
    probes: () => [
      {
        name: 'cosmos',
        check: async () => {
          await (await cosmos()).getDatabaseAccount();
        },
      },
      {
        name: 'queues',
        check: async (signal) => {
          await (await queues()).getProperties({ abortSignal: signal });
        },
      },
    ],
  });

  return { config, provenance, redact, logger, health };
}

function contextSink(context: InvocationContext | undefined): LogSink {
  if (context === undefined) return consoleSink;
  return (level, line) => {
    if (level === 'error') context.error(line);
    else if (level === 'warn') context.warn(line);
    else if (level === 'debug') context.debug(line);
    else context.info(line);
  };
}
