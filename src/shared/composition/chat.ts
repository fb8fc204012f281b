import { createChatService } from '../chat/chat-service';
import { resolveSystemPrompt } from '../chat/system-prompt';
import { createToolRegistry, type ToolRegistry } from '../chat/tool-registry';
import { createCompletionsService } from '../completions/completions-service';
import type { Caller } from '../identity/caller';
import type { Usage } from '../model/chat-model';
import type { QuotaMeter } from '../quota/quota-meter';
import { createHeuristicScorer, createPredictCustomerTool } from '../scoring/predict-customer-tool';
import { createAmlScorer } from '../scoring/scoring-client';
import { createGetStatTool } from '../stats/get-stat-tool';
import { createJsonFileStatsSource, defaultStatsFile } from '../stats/stats-source';
import { instrumentScorer } from '../telemetry/instrument';
import type { History } from './history';
import type { Models } from './model';
import type { Platform } from './platform';

/** The chat model's tools and the system prompt that names them. */
export function createTools({ config, getToken, logger }: Platform) {
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
  return { tools, systemPrompt: resolveSystemPrompt(config, tools.definitions) };
}

/** Chat turns (the tool loop over the stored history) and plain completions. */
export function createChat(
  { config }: Platform,
  tools: { tools: ToolRegistry; systemPrompt: string },
  models: Models,
  history: History,
  quotas: QuotaMeter,
) {
  // The tokens quota: a turn whose first prompt would pass it is refused, and Azure's usage is counted.
  const tokens = {
    admit: (caller: Caller, promptTokens: number) => quotas.ensure(caller, 'tokens_per_day', promptTokens),
    onUsage: (caller: Caller, usage: Usage) => {
      quotas.record(caller, 'tokens_per_day', usage.totalTokens);
    },
  };
  return {
    chat: createChatService({
      model: models.chat,
      tools: tools.tools,
      store: history.store,
      writer: history.writer,
      ...tokens,
      settings: {
        systemPrompt: tools.systemPrompt,
        maxRounds: config.CHAT_MAX_TOOL_ROUNDS,
        toolTimeoutMs: config.CHAT_TOOL_TIMEOUT_MS,
        defaultDeployment: models.deployment,
        allowedDeployments: config.AZURE_OPENAI_ALLOWED_DEPLOYMENTS,
        historyTokenBudget: config.CHAT_HISTORY_TOKEN_BUDGET,
        maxPromptTokens: config.CHAT_MAX_PROMPT_TOKENS,
        maxCompletionTokens: config.CHAT_MAX_COMPLETION_TOKENS,
        maxToolCallsPerRound: config.CHAT_MAX_TOOL_CALLS_PER_ROUND,
      },
    }),
    completions: createCompletionsService(models.chat, {
      maxCompletionTokens: config.CHAT_MAX_COMPLETION_TOKENS,
      ...tokens,
    }),
  };
}
