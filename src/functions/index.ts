import type { FunctionDefinition } from '../shared/hosting/function-definition';
import { batchItemsPoisonQueue } from './batch-items-poison-queue';
import { batchItemsQueue } from './batch-items-queue';
import { batchJobsGet } from './batch-jobs-get';
import { batchJobsPost } from './batch-jobs-post';
import { batchJobsQueue } from './batch-jobs-queue';
import { batchJobsResultsGet } from './batch-jobs-results-get';
import { chatPost } from './chat-post';
import { chatStreamPost } from './chat-stream-post';
import { chatUiPost } from './chat-ui-post';
import { completionsPost } from './completions-post';
import { configInfoGet } from './config-info-get';
import { connectorsExecutePost } from './connectors-execute-post';
import { conversationsDelete } from './conversations-delete';
import { conversationsGet } from './conversations-get';
import { conversationsList } from './conversations-list';
import { healthGet } from './health-get';
import { historyWritesQueue } from './history-writes-queue';
import { meUsageGet } from './me-usage-get';
import { createNotFoundFunction } from './not-found';
import { openAIChatCompletionsPost } from './openai-chat-completions-post';
import { openAIModelsGet } from './openai-models-get';
import { createOpenApiFunction } from './openapi-get';
import { recoveryTimer } from './recovery-timer';

/** The one table of functions. `src/index.ts` registers each with `app`; nothing else does. */
export const functionDefinitions: readonly FunctionDefinition[] = [
  healthGet,
  configInfoGet,
  chatPost,
  chatStreamPost,
  chatUiPost,
  openAIChatCompletionsPost,
  openAIModelsGet,
  completionsPost,
  conversationsList,
  conversationsGet,
  conversationsDelete,
  meUsageGet,
  historyWritesQueue,
  batchJobsPost,
  batchJobsGet,
  batchJobsResultsGet,
  batchJobsQueue,
  batchItemsQueue,
  batchItemsPoisonQueue,
  connectorsExecutePost,
  recoveryTimer,
  createOpenApiFunction(() => functionDefinitions),
  createNotFoundFunction(() => functionDefinitions),
];
