import type { InvocationContext } from '@azure/functions';

import type { BatchItemsWorker } from '../batch/batch-items-worker';
import type { BatchService } from '../batch/batch-service';
import type { ChatService } from '../chat/chat-service';
import type { CompletionsService } from '../completions/completions-service';
import type { LoadedConfig, Provenance } from '../config/load-config';
import type { AppConfig } from '../config/settings';
import type { ConnectorService } from '../connectors/connector-service';
import type { HealthService } from '../health/health-service';
import type { ConversationService } from '../history/conversation-service';
import type { HistoryStore } from '../history/history-store';
import type { CallerResolver } from '../identity/caller';
import { createCallerResolver } from '../identity/caller-resolver';
import { lazy, once } from '../lazy';
import type { Logger } from '../logging/logger';
import type { SendToQueue } from '../queues/queue-sender';
import type { QuotaMeter } from '../quota/quota-meter';
import type { RecoveryService } from '../recovery/recovery-service';
import { createBatch } from './batch';
import { createChat, createTools } from './chat';
import { createConnectorServiceFromSettings } from './connectors';
import { createHealth } from './health';
import { createHistory } from './history';
import { createModels } from './model';
import { createPlatform } from './platform';
import { createQuotas } from './quota';
import { createRecovery } from './recovery';
import { createStorage } from './storage';

/** What the triggers use, and nothing else. The function wrappers hand it to each handler. */
export interface Services {
  readonly config: AppConfig;
  readonly provenance: Provenance;
  /** A logger writing through the invocation context (so it reaches Application Insights), or the console. */
  logger(context?: InvocationContext): Logger;
  readonly resolveCaller: CallerResolver;
  readonly health: HealthService;
  readonly chat: ChatService;
  readonly completions: CompletionsService;
  readonly conversations: ConversationService;
  /** Writes a turn that reached the history-writes queue (idempotent by turn id). */
  readonly history: Pick<HistoryStore, 'appendTurn'>;
  readonly batch: BatchService;
  readonly batchItems: BatchItemsWorker;
  /** The caller's quotas: counted by the wrappers of metered routes and by the services, read by me/usage. */
  readonly quotas: QuotaMeter;
  /** Puts a message on a queue; the queue functions move what can never succeed to `<queue>-poison` with it. */
  readonly sendToQueue: SendToQueue;
  /** The connector runner (dynamic sessions); its route is authorized (CONNECTORS_ENABLED, the role) first. */
  readonly connectors: ConnectorService;
  /** The recovery timer's work: poison queues whose cause has passed, batch jobs that stopped moving. */
  readonly recovery: RecoveryService;
}

let services: (() => Promise<Services>) | undefined;

/**
 * The process's services over the configuration parsed at cold start, built on the first call (the
 * first invocation of any function) and kept; a failed build is tried again on the next call.
 */
export function getServices(loaded: LoadedConfig): Promise<Services> {
  services ??= once(() => buildServices(loaded));
  return services();
}

/**
 * Wires the parts: telemetry first, then each part once, on first use, from the parts it needs; SDK
 * clients are created on first call.
 */
export async function buildServices({ values: config, provenance }: LoadedConfig): Promise<Services> {
  const platform = await createPlatform(config);
  const storage = createStorage(platform);
  const models = lazy(() => createModels(platform));
  const history = lazy(() => createHistory(platform, storage));
  const tools = createTools(platform);
  const quotas = lazy(() => createQuotas(platform, storage));
  const chat = lazy(() => createChat(platform, tools, models(), history(), quotas()));
  const batch = lazy(() => createBatch(platform, storage, models(), history(), quotas()));
  const health = lazy(() => createHealth(platform, storage, models));
  const recovery = lazy(() => createRecovery(platform, storage, batch()));
  const connectors = lazy(() =>
    createConnectorServiceFromSettings(config, platform.getToken, platform.logger(), quotas()),
  );
  const resolveCaller = createCallerResolver(config);
  return {
    config,
    provenance,
    logger: platform.logger,
    resolveCaller,
    sendToQueue: storage.sendToQueue,
    get health() {
      return health();
    },
    get chat() {
      return chat().chat;
    },
    get completions() {
      return chat().completions;
    },
    get conversations() {
      return history().conversations;
    },
    get history() {
      return history().store;
    },
    get batch() {
      return batch().batch;
    },
    get batchItems() {
      return batch().batchItems;
    },
    get connectors() {
      return connectors();
    },
    get recovery() {
      return recovery();
    },
    get quotas() {
      return quotas();
    },
  };
}
