import { createConversationService } from '../history/conversation-service';
import { createCosmosHistoryStore } from '../history/cosmos-history-store';
import { createHistoryWriter } from '../history/history-writer';
import { fitForQueue } from '../history/queue-size';
import { queueNames } from '../storage-names';
import { instrumentHistoryStore } from '../telemetry/instrument';
import type { Platform } from './platform';
import type { Storage } from './storage';

/** Conversation history in Cosmos DB, its writer (with the history-writes queue behind it) and the API over it. */
export function createHistory({ config }: Platform, storage: Storage) {
  const store = instrumentHistoryStore(
    createCosmosHistoryStore(() => storage.containers('conversations'), {
      ...(config.COSMOS_CONVERSATION_TTL_SECONDS === undefined
        ? {}
        : { ttlSeconds: config.COSMOS_CONVERSATION_TTL_SECONDS }),
    }),
    { database: config.COSMOS_DATABASE, container: 'conversations' },
  );
  const writer = createHistoryWriter({
    store,
    timeoutMs: 5_000,
    enqueue: (turn, delayMs) => storage.sendToQueue(queueNames.historyWrites, fitForQueue(turn), { delayMs }),
  });
  return { store, writer, conversations: createConversationService(store) };
}

export type History = ReturnType<typeof createHistory>;
