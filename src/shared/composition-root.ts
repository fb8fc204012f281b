import type { InvocationContext } from '@azure/functions';
import type { QueueClient } from '@azure/storage-queue';
import type { ValidateFunction } from 'ajv';

import { appInfo } from './app-info';
import { AdaptiveLimiter } from './batch/adaptive-limiter';
import { type BatchService, createBatchService } from './batch/batch-service';
import type { BatchStore } from './batch/batch-store';
import { createCosmosBatchStore } from './batch/cosmos-batch-store';
import { compileOutputSchema } from './batch/output-schema';
import type { BatchWorkerDeps } from './batch/process-slice';
import { type ChatService, createChatService } from './chat/chat-service';
import { resolveSystemPrompt } from './chat/system-prompt';
import { createToolRegistry } from './chat/tool-registry';
import { type CompletionsService, createCompletionsService } from './completions/completions-service';
import { loadConfig, type LoadedConfig, type Provenance } from './config/load-config';
import { parseModelFamilies } from './config/model-settings';
import type { AppConfig } from './config/settings';
import { createCosmosClient } from './cosmos/cosmos-client';
import { createContainerProvider } from './cosmos/cosmos-containers';
import { createHealthService, type HealthService } from './health/health-service';
import { type ConversationService, createConversationService } from './history/conversation-service';
import { createCosmosHistoryStore } from './history/cosmos-history-store';
import type { HistoryStore } from './history/history-store';
import { createHistoryWriter } from './history/history-writer';
import { fitForQueue } from './history/queue-size';
import { bearerTokenProvider, lazyCredential } from './identity/azure-credential';
import { type CallerResolver, createCallerResolver } from './identity/caller';
import { consoleSink, createLogger, type Logger, type LogSink } from './logging/logger';
import { createRedactor, type Redact } from './logging/redactor';
import { createAzureOpenAIChatModel } from './model/azure-openai-chat-model';
import type { ChatModel } from './model/chat-model';
import { CapabilityStore } from './model/model-capabilities';
import { lazyOpenAIClient } from './model/openai-client';
import { createQueueServiceClient, encodeQueueMessage, isLocalStorage } from './queues/queue-service';
import { createHeuristicScorer, createPredictCustomerTool } from './scoring/predict-customer-tool';
import { createAmlScorer } from './scoring/scoring-client';
import { createGetStatTool } from './stats/get-stat-tool';
import { createJsonFileStatsSource, defaultStatsFile } from './stats/stats-source';
import { queueNames } from './storage-names';
import { instrumentChatModel, instrumentHistoryStore, instrumentScorer } from './telemetry/instrument';
import { startTelemetry } from './telemetry/telemetry';

/** Everything the triggers use, built once per process. SDK clients are created on first use. */
export interface Services {
  readonly config: AppConfig;
  readonly provenance: Provenance;
  readonly redact: Redact;
  /** A logger writing through the invocation context (so it reaches Application Insights), or the console. */
  logger(context?: InvocationContext): Logger;
  readonly resolveCaller: CallerResolver;
  readonly health: HealthService;
  readonly model: ChatModel;
  readonly chat: ChatService;
  readonly completions: CompletionsService;
  readonly history: HistoryStore;
  readonly conversations: ConversationService;
  /** A queue the app writes to (created when missing on local storage). */
  queue(name: string): Promise<QueueClient>;
  readonly batch: BatchService;
  readonly batchStore: BatchStore;
  /** What a batch-items invocation needs; the limiter is shared by every invocation of the process. */
  batchWorker(log: Logger): BatchWorkerDeps;
}

let services: Services | undefined;

/** The process's services. The first call parses the configuration (cold start); a bad one throws ConfigError. */
export function getServices(): Services {
  return (services ??= buildServices(loadConfig()));
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
  // First, so every SDK client created later is instrumented; nothing is loaded when it is not configured.
  const telemetry = startTelemetry(config, credential);
  const getToken = bearerTokenProvider(credential);
  const cosmos = once(() => createCosmosClient(config, credential));
  const containers = createContainerProvider(cosmos, config);
  const queueService = once(() => createQueueServiceClient(config, credential));
  const queueClients = new Map<string, () => Promise<QueueClient>>();
  const queue = (name: string) => {
    let client = queueClients.get(name);
    if (client === undefined) {
      client = once(async () => {
        const created = (await queueService()).getQueueClient(name);
        if (isLocalStorage(config)) await created.createIfNotExists();
        return created;
      });
      queueClients.set(name, client);
    }
    return client();
  };

  const logger = (context?: InvocationContext): Logger =>
    createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, redact, sink: contextSink(context) });
  for (const warning of telemetry.warnings) logger().warn(warning);

  const deployment = config.AZURE_OPENAI_DEPLOYMENT ?? '';
  // One client per process (the v1 API unless a dated api-version is set), shared by the chat model and
  // the batch model, and one record of what each deployment takes.
  const openAIClient = lazyOpenAIClient({
    endpoint: config.AZURE_OPENAI_ENDPOINT ?? '',
    apiVersion: config.AZURE_OPENAI_API_VERSION,
    timeoutMs: config.AZURE_OPENAI_TIMEOUT_MS,
    ...(config.AZURE_OPENAI_API_KEY === undefined
      ? { tokenProvider: () => getToken('https://cognitiveservices.azure.com/.default') }
      : { apiKey: config.AZURE_OPENAI_API_KEY }),
  });
  const capabilities = new CapabilityStore(parseModelFamilies(config.AZURE_OPENAI_MODEL_FAMILY));
  const modelWith = (retry: { maxRetries: number; maxTotalWaitMs: number }) =>
    createAzureOpenAIChatModel({
      deployment,
      client: openAIClient,
      capabilities,
      defaultReasoningEffort: config.AZURE_OPENAI_REASONING_EFFORT,
      log: logger(),
      retry: { ...retry, baseDelayMs: 500, maxDelayMs: 8_000 },
    });
  const modelTelemetry = {
    defaultDeployment: deployment,
    serverAddress:
      config.AZURE_OPENAI_ENDPOINT === undefined ? undefined : new URL(config.AZURE_OPENAI_ENDPOINT).host,
  };
  const azureModel = modelWith({
    maxRetries: config.AZURE_OPENAI_MAX_RETRIES,
    maxTotalWaitMs: config.AZURE_OPENAI_MAX_RETRY_WAIT_MS,
  });
  const model = instrumentChatModel(azureModel, modelTelemetry);
  // Batch items handle rate limits themselves (adaptive concurrency, then the queue): no retries below.
  const batchModel = instrumentChatModel(modelWith({ maxRetries: 0, maxTotalWaitMs: 0 }), modelTelemetry);

  const scorer = instrumentScorer(
    config.AML_SCORING_URI === undefined
      ? createHeuristicScorer()
      : createAmlScorer({
          scoringUri: config.AML_SCORING_URI,
          apiKey: config.AML_API_KEY,
          deployment: config.AML_DEPLOYMENT,
          timeoutMs: config.AML_TIMEOUT_MS,
          maxRetries: config.AML_MAX_RETRIES,
          getToken,
          log: logger(),
        }),
  );
  const tools = createToolRegistry([
    createPredictCustomerTool(scorer),
    createGetStatTool(createJsonFileStatsSource(config.STATS_FILE ?? defaultStatsFile())),
  ]);

  const history = instrumentHistoryStore(
    createCosmosHistoryStore(() => containers('conversations'), {
      ...(config.COSMOS_CONVERSATION_TTL_SECONDS === undefined
        ? {}
        : { ttlSeconds: config.COSMOS_CONVERSATION_TTL_SECONDS }),
    }),
    { database: config.COSMOS_DATABASE, container: 'conversations' },
  );
  const writer = createHistoryWriter({
    store: history,
    timeoutMs: 5_000,
    enqueue: async (turn, delayMs) => {
      await (
        await queue(queueNames.historyWrites)
      ).sendMessage(
        encodeQueueMessage(fitForQueue(turn)),
        delayMs > 0 ? { visibilityTimeout: Math.ceil(delayMs / 1000) } : {},
      );
    },
  });
  const chat = createChatService({
    model,
    tools,
    store: history,
    writer,
    settings: {
      systemPrompt: resolveSystemPrompt(config, tools.definitions),
      maxRounds: config.CHAT_MAX_TOOL_ROUNDS,
      toolTimeoutMs: config.CHAT_TOOL_TIMEOUT_MS,
      defaultDeployment: deployment,
      allowedDeployments: config.AZURE_OPENAI_ALLOWED_DEPLOYMENTS,
      historyTokenBudget: config.CHAT_HISTORY_TOKEN_BUDGET,
      maxCompletionTokens: config.CHAT_MAX_COMPLETION_TOKENS,
    },
  });

  const batchStore = createCosmosBatchStore(() => containers('batch'));
  const limiter = new AdaptiveLimiter({ initial: 4, max: config.BATCH_MAX_CONCURRENCY });
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (job: { jobId: string; schema: Record<string, unknown> }) => {
    let validate = validators.get(job.jobId);
    if (validate === undefined) {
      validate = compileOutputSchema(job.schema);
      if (validators.size >= 100) validators.clear();
      validators.set(job.jobId, validate);
    }
    return validate;
  };
  const batch = createBatchService({
    store: batchStore,
    enqueueSlice: async (slice) => {
      await (await queue(queueNames.batchItems)).sendMessage(encodeQueueMessage(slice));
    },
  });
  const batchWorker = (log: Logger): BatchWorkerDeps => ({
    store: batchStore,
    history,
    model: batchModel,
    limiter,
    validatorFor,
    maxDeferrals: config.BATCH_MAX_DEFERRALS,
    maxCompletionTokens: config.CHAT_MAX_COMPLETION_TOKENS,
    log,
    requeue: async (slice, delayMs) => {
      await (
        await queue(queueNames.batchItems)
      ).sendMessage(encodeQueueMessage(slice), {
        visibilityTimeout: Math.max(1, Math.ceil(delayMs / 1000)),
      });
    },
  });

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
      { name: 'model', check: (signal) => azureModel.ping(signal) },
      {
        name: 'queues',
        check: async (signal) => {
          await (await queueService()).getProperties({ abortSignal: signal });
        },
      },
    ],
  });

  return {
    config,
    provenance,
    redact,
    logger,
    resolveCaller: createCallerResolver(config),
    health,
    model,
    chat,
    completions: createCompletionsService(model, { maxCompletionTokens: config.CHAT_MAX_COMPLETION_TOKENS }),
    history,
    conversations: createConversationService(history),
    queue,
    batch,
    batchStore,
    batchWorker,
  };
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
