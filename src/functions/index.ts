import type { FunctionEntry } from '../shared/hosting/function-definition';
import {
  ALL_METHODS,
  httpFunction,
  loadDefinitions,
  queueFunction,
  timerFunction,
} from '../shared/hosting/function-table';
import { poisonQueueOf, queueNames } from '../shared/storage-names';

/**
 * The one table of functions. `src/index.ts` registers each row with the host at cold start; each
 * function's module (its contract, schemas and the services it calls) loads on its first invocation.
 * A row states what the host registers; the compiler checks that the module agrees.
 */
export const functionTable: readonly FunctionEntry[] = [
  httpFunction({ name: 'health', route: 'health', methods: ['GET'] }, () =>
    import('./health-get.js').then((module) => module.healthGet),
  ),
  httpFunction({ name: 'config-info', route: 'config/info', methods: ['GET'] }, () =>
    import('./config-info-get.js').then((module) => module.configInfoGet),
  ),
  httpFunction({ name: 'chat', route: 'chat', methods: ['POST'] }, () =>
    import('./chat-post.js').then((module) => module.chatPost),
  ),
  httpFunction({ name: 'chat-stream', route: 'chat/stream', methods: ['POST'] }, () =>
    import('./chat-stream-post.js').then((module) => module.chatStreamPost),
  ),
  httpFunction({ name: 'chat-ui', route: 'chat/ui', methods: ['POST'] }, () =>
    import('./chat-ui-post.js').then((module) => module.chatUiPost),
  ),
  httpFunction(
    { name: 'openai-chat-completions', route: 'openai/v1/chat/completions', methods: ['POST'] },
    () => import('./openai-chat-completions-post.js').then((module) => module.openAIChatCompletionsPost),
  ),
  httpFunction({ name: 'openai-models', route: 'openai/v1/models', methods: ['GET'] }, () =>
    import('./openai-models-get.js').then((module) => module.openAIModelsGet),
  ),
  httpFunction({ name: 'completions', route: 'completions', methods: ['POST'] }, () =>
    import('./completions-post.js').then((module) => module.completionsPost),
  ),
  httpFunction({ name: 'conversations-list', route: 'conversations', methods: ['GET'] }, () =>
    import('./conversations-list.js').then((module) => module.conversationsList),
  ),
  httpFunction({ name: 'conversations-get', route: 'conversations/{id}', methods: ['GET'] }, () =>
    import('./conversations-get.js').then((module) => module.conversationsGet),
  ),
  httpFunction({ name: 'conversations-delete', route: 'conversations/{id}', methods: ['DELETE'] }, () =>
    import('./conversations-delete.js').then((module) => module.conversationsDelete),
  ),
  httpFunction({ name: 'me-usage', route: 'me/usage', methods: ['GET'] }, () =>
    import('./me-usage-get.js').then((module) => module.meUsageGet),
  ),
  queueFunction({ name: 'history-writes', queueName: queueNames.historyWrites }, () =>
    import('./history-writes-queue.js').then((module) => module.historyWritesQueue),
  ),
  httpFunction({ name: 'batch-jobs-post', route: 'batch-jobs', methods: ['POST'] }, () =>
    import('./batch-jobs-post.js').then((module) => module.batchJobsPost),
  ),
  httpFunction({ name: 'batch-jobs-get', route: 'batch-jobs/{id}', methods: ['GET'] }, () =>
    import('./batch-jobs-get.js').then((module) => module.batchJobsGet),
  ),
  httpFunction({ name: 'batch-jobs-results-get', route: 'batch-jobs/{id}/results', methods: ['GET'] }, () =>
    import('./batch-jobs-results-get.js').then((module) => module.batchJobsResultsGet),
  ),
  queueFunction({ name: 'batch-jobs', queueName: queueNames.batchJobs }, () =>
    import('./batch-jobs-queue.js').then((module) => module.batchJobsQueue),
  ),
  queueFunction({ name: 'batch-items', queueName: queueNames.batchItems }, () =>
    import('./batch-items-queue.js').then((module) => module.batchItemsQueue),
  ),
  queueFunction({ name: 'batch-items-poison', queueName: poisonQueueOf(queueNames.batchItems) }, () =>
    import('./batch-items-poison-queue.js').then((module) => module.batchItemsPoisonQueue),
  ),
  httpFunction({ name: 'connectors-execute', route: 'connectors/execute', methods: ['POST'] }, () =>
    import('./connectors-execute-post.js').then((module) => module.connectorsExecutePost),
  ),
  timerFunction({ name: 'recovery', scheduleSetting: 'RECOVERY_SCHEDULE' }, () =>
    import('./recovery-timer.js').then((module) => module.recoveryTimer),
  ),
  httpFunction({ name: 'openapi', route: 'openapi.json', methods: ['GET'] }, () =>
    import('./openapi-get.js').then((module) =>
      module.createOpenApiFunction(() => loadDefinitions(functionTable)),
    ),
  ),
  httpFunction({ name: 'not-found', route: '{*path}', methods: ALL_METHODS }, () =>
    import('./not-found.js').then((module) => module.createNotFoundFunction(() => functionTable)),
  ),
];

/** Every function's definition, each module loaded: what the OpenAPI document and the tests read. */
export const loadFunctionDefinitions = () => loadDefinitions(functionTable);
