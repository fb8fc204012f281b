import type { Attributes } from '@opentelemetry/api';

import type { HistoryStore } from '../history/history-store';
import type { CustomerScorer } from '../scoring/customer-scorer';
import { app, COSMOS_SYSTEM, COSMOS_SYSTEM_NAME, db, ERROR_TYPE } from './attributes';
import { inClientSpan, markFailed } from './spans';
import { telemetryApi } from './telemetry-api';

export { type ChatModelTelemetryOptions, instrumentChatModel } from './instrument-chat-model';

/**
 * A scorer that reports each call as a CLIENT span `score customer` with its outcome: ok, the source
 * (aml or heuristic), and on failure the HTTP status, attempts and request id. Customer features are
 * never recorded. A failed outcome marks the span failed but is still returned, as the port says.
 *
 * @example
 * const scorer = instrumentScorer(createAmlScorer(options));
 */
export function instrumentScorer(scorer: CustomerScorer): CustomerScorer {
  return {
    score: (features, signal) => {
      const api = telemetryApi();
      if (api === undefined) return scorer.score(features, signal);
      return inClientSpan(api, 'score customer', {}, async (span) => {
        const outcome = await scorer.score(features, signal);
        if (outcome.ok) {
          span.setAttributes({
            [app.scoringOk]: true,
            [app.scoringSource]: outcome.prediction.source,
            ...(outcome.shape === undefined ? {} : { [app.scoringShape]: outcome.shape }),
          });
          return outcome;
        }
        const { status, attempts, requestId, shape } = outcome.diagnostics;
        span.setAttributes({
          [app.scoringOk]: false,
          [app.scoringAttempts]: attempts,
          ...(status === undefined ? {} : { [app.scoringStatus]: status }),
          ...(requestId === undefined ? {} : { [app.scoringRequestId]: requestId }),
          ...(shape === undefined ? {} : { [app.scoringShape]: shape }),
        });
        // diagnostics.error is free text from the endpoint: not recorded.
        markFailed(api, span, { [ERROR_TYPE]: 'scoring_failed' });
        return outcome;
      });
    },
  };
}

export interface HistoryStoreTelemetryOptions {
  /** The Cosmos DB database (COSMOS_DATABASE), reported as db.namespace. */
  readonly database?: string | undefined;
  /** The container, reported as db.collection.name. */
  readonly container?: string | undefined;
}

/**
 * A history store that reports each method as a CLIENT span `cosmos <method>` with the database
 * attributes, item counts and the request charge of writes. User ids, conversation ids and message
 * text are never recorded.
 *
 * @example
 * const history = instrumentHistoryStore(createCosmosHistoryStore(container, {}), { database: 'chat', container: 'conversations' });
 */
export function instrumentHistoryStore(
  store: HistoryStore,
  options: HistoryStoreTelemetryOptions = {},
): HistoryStore {
  const call = <T>(
    method: string,
    run: () => Promise<T>,
    describe: (result: T) => Attributes,
  ): Promise<T> => {
    const api = telemetryApi();
    if (api === undefined) return run();
    return inClientSpan(api, `cosmos ${method}`, databaseAttributes(method, options), async (span) => {
      const result = await run();
      span.setAttributes(describe(result));
      return result;
    });
  };
  return {
    getConversation: (userId, conversationId) =>
      call(
        'getConversation',
        () => store.getConversation(userId, conversationId),
        (found) => ({ [app.historyFound]: found !== undefined }),
      ),
    recentMessages: (userId, conversationId, limit) =>
      call(
        'recentMessages',
        () => store.recentMessages(userId, conversationId, limit),
        (messages) => ({ [app.historyItems]: messages.length }),
      ),
    listConversations: (userId, page) =>
      call(
        'listConversations',
        () => store.listConversations(userId, page),
        (result) => ({ [app.historyItems]: result.items.length }),
      ),
    listMessages: (userId, conversationId, page) =>
      call(
        'listMessages',
        () => store.listMessages(userId, conversationId, page),
        (result) => ({ [app.historyItems]: result.items.length }),
      ),
    appendTurn: (turn) =>
      call(
        'appendTurn',
        () => store.appendTurn(turn),
        (result) => ({
          [app.historyWritten]: result.written,
          [db.cosmosRequestCharge]: result.requestCharge,
        }),
      ),
    deleteConversation: (userId, conversationId) =>
      call(
        'deleteConversation',
        () => store.deleteConversation(userId, conversationId),
        (deleted) => ({ [app.historyFound]: deleted }),
      ),
  };
}

function databaseAttributes(method: string, options: HistoryStoreTelemetryOptions): Attributes {
  return {
    [db.systemName]: COSMOS_SYSTEM_NAME,
    [db.system]: COSMOS_SYSTEM,
    [db.operationName]: method,
    [db.operation]: method,
    ...(options.database === undefined
      ? {}
      : { [db.namespace]: options.database, [db.name]: options.database }),
    ...(options.container === undefined ? {} : { [db.collectionName]: options.container }),
  };
}
