import { parseModelFamilies } from '../config/model-settings';
import type { AppConfig } from '../config/settings';
import { createAzureOpenAIChatModel } from '../model/azure-openai-chat-model';
import type { ChatModel } from '../model/chat-model';
import { circuitBreakers } from '../model/circuit-breaker';
import { CapabilityStore } from '../model/model-capabilities';
import { lazyOpenAIClient } from '../model/openai-client';
import { instrumentChatModel } from '../telemetry/instrument';
import type { Platform } from './platform';

const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/**
 * Azure OpenAI: one client per process (the v1 API unless a dated api-version is set), shared by the chat
 * model (with retries) and the batch model (without), and one record of what each deployment takes.
 */
export function createModels({ config, getToken, logger }: Platform) {
  const deployment = config.AZURE_OPENAI_DEPLOYMENT ?? '';
  const client = lazyOpenAIClient({
    endpoint: config.AZURE_OPENAI_ENDPOINT ?? '',
    apiVersion: config.AZURE_OPENAI_API_VERSION,
    timeoutMs: config.AZURE_OPENAI_TIMEOUT_MS,
    ...(config.AZURE_OPENAI_API_KEY === undefined
      ? { tokenProvider: () => getToken(COGNITIVE_SERVICES_SCOPE) }
      : { apiKey: config.AZURE_OPENAI_API_KEY }),
  });
  const capabilities = new CapabilityStore(parseModelFamilies(config.AZURE_OPENAI_MODEL_FAMILY));
  // Shared by chat, completions and batch: a deployment that is down is down for all of them.
  const circuit = circuitBreakers({
    failureThreshold: config.AZURE_OPENAI_CIRCUIT_FAILURES,
    cooldownMs: config.AZURE_OPENAI_CIRCUIT_COOLDOWN_SECONDS * 1000,
  });
  const modelWith = (retry: { maxRetries: number; maxTotalWaitMs: number }) =>
    createAzureOpenAIChatModel({
      deployment,
      client,
      capabilities,
      circuit,
      defaultReasoningEffort: config.AZURE_OPENAI_REASONING_EFFORT,
      log: logger(),
      retry: { ...retry, baseDelayMs: 500, maxDelayMs: 8_000 },
    });
  const telemetry = modelTelemetry(config, deployment);
  const azureModel = modelWith({
    maxRetries: config.AZURE_OPENAI_MAX_RETRIES,
    maxTotalWaitMs: config.AZURE_OPENAI_MAX_RETRY_WAIT_MS,
  });
  return {
    deployment,
    chat: instrumentChatModel(azureModel, telemetry) satisfies ChatModel,
    // Batch items handle rate limits themselves (adaptive concurrency, then the queue): no retries below.
    batch: instrumentChatModel(
      modelWith({ maxRetries: 0, maxTotalWaitMs: 0 }),
      telemetry,
    ) satisfies ChatModel,
    ping: (signal: AbortSignal) => azureModel.ping(signal),
  };
}

export type Models = ReturnType<typeof createModels>;

function modelTelemetry(config: AppConfig, deployment: string) {
  return {
    defaultDeployment: deployment,
    serverAddress:
      config.AZURE_OPENAI_ENDPOINT === undefined ? undefined : new URL(config.AZURE_OPENAI_ENDPOINT).host,
  };
}
