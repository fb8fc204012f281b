// Attribute names, written out rather than imported from @opentelemetry/semantic-conventions: the
// GenAI and database names sit in its incubating entry point, which is large and changes between
// minor releases.

/** OpenTelemetry GenAI semantic conventions (development status), the names current in 2026. */
export const genAi = {
  providerName: 'gen_ai.provider.name',
  /** Replaced by gen_ai.provider.name; still read by tools built on conventions <= 1.36. */
  system: 'gen_ai.system',
  operationName: 'gen_ai.operation.name',
  requestModel: 'gen_ai.request.model',
  requestTemperature: 'gen_ai.request.temperature',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  /** Part of the output tokens: hidden reasoning (completion_tokens_details.reasoning_tokens). */
  usageReasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  /** Part of the input tokens: served from the prompt cache (prompt_tokens_details.cached_tokens). */
  usageCacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  tokenType: 'gen_ai.token.type',
  tokenUsageMetric: 'gen_ai.client.token.usage',
  operationDurationMetric: 'gen_ai.client.operation.duration',
} as const;

/** The provider value for Azure OpenAI (it replaced the older `az.ai.openai`). */
export const AZURE_OPENAI_PROVIDER = 'azure.ai.openai';

/**
 * Database conventions. The Azure Monitor exporter maps a span to a dependency by the older
 * `db.system`, `db.operation` and `db.name`, so those are set next to their current names.
 */
export const db = {
  systemName: 'db.system.name',
  system: 'db.system',
  operationName: 'db.operation.name',
  operation: 'db.operation',
  namespace: 'db.namespace',
  name: 'db.name',
  collectionName: 'db.collection.name',
  responseStatusCode: 'db.response.status_code',
  cosmosRequestCharge: 'azure.cosmosdb.operation.request_charge',
} as const;

export const COSMOS_SYSTEM_NAME = 'azure.cosmosdb';
export const COSMOS_SYSTEM = 'cosmosdb';

export const ERROR_TYPE = 'error.type';
export const SERVER_ADDRESS = 'server.address';

/** This app's own attributes. */
export const app = {
  correlationId: 'app.correlation_id',
  errorStatus: 'app.error.status',
  scoringOk: 'app.scoring.ok',
  scoringSource: 'app.scoring.source',
  scoringStatus: 'app.scoring.status',
  scoringAttempts: 'app.scoring.attempts',
  scoringShape: 'app.scoring.shape',
  scoringRequestId: 'app.scoring.request_id',
  historyItems: 'app.history.items',
  historyFound: 'app.history.found',
  historyWritten: 'app.history.written',
  streamCompleted: 'app.stream.completed',
} as const;
