import fc from 'fast-check';

import type { BodyRoute } from './bodies';
import { connectorsPost } from './connectors';
import { notFoundRoute } from './not-found';
import { describe } from './request';
import { getRoute, idRoute, postRoute } from './routes';
import { junkQuery, type Paging, paging, percentEncode } from './urls';
import { batchBody, chatBody, completionsBody } from './valid-bodies';
import {
  ABUSE_LIMITS,
  type AbuseFixtures,
  headerValue,
  type HostileRequest,
  httpTrim,
  shortHostileString,
} from './values';

const healthQuery: fc.Arbitrary<Paging> = fc.oneof(
  fc
    .constantFrom('', '?deep=true', '?deep=1', '?deep=false', '?deep=0', '?deep=true&deep=false', '?deep=')
    .map((query) => ({ query, valid: true })),
  fc.tuple(shortHostileString, junkQuery).map(([deep, query]) => ({
    query: `?deep=${percentEncode(deep)}${query.replace('?', '&')}`,
    valid: true,
  })),
);

/** Queries the route ignores. */
const anyQuery: fc.Arbitrary<Paging> = junkQuery.map((query) => ({ query, valid: true }));

/** One arbitrary per HTTP function of the app, by function name (see src/functions/index.ts). */
export function hostileRequestsByFunction(
  fixtures: AbuseFixtures,
): Record<string, fc.Arbitrary<HostileRequest>> {
  const chat: BodyRoute = {
    valid: chatBody,
    fields: [
      'message',
      'messages',
      'conversationId',
      'temperature',
      'maxTokens',
      'model',
      'context',
      'sessionState',
      'stream',
    ],
    freeFields: ['sessionState'],
    maxBytes: ABUSE_LIMITS.HTTP_MAX_BODY_BYTES,
    success: [200],
  };
  const acceptHeader = fc.option(
    fc.constantFrom('text/event-stream', 'application/json', '*/*', 'text/event-stream;q=0'),
    {
      nil: undefined,
    },
  );
  return {
    health: getRoute('/api/health', healthQuery, fixtures, true),
    'config-info': getRoute('/api/config/info', anyQuery, fixtures),
    openapi: getRoute('/api/openapi.json', anyQuery, fixtures, true),
    chat: postRoute('/api/chat', chat, fixtures, acceptHeader),
    'chat-stream': postRoute('/api/chat/stream', chat, fixtures),
    completions: postRoute(
      '/api/completions',
      {
        valid: completionsBody,
        fields: ['prompt', 'temperature', 'maxTokens'],
        maxBytes: ABUSE_LIMITS.HTTP_MAX_BODY_BYTES,
        success: [200],
      },
      fixtures,
    ),
    'conversations-list': getRoute('/api/conversations', paging, fixtures),
    'conversations-get': idRoute(
      'GET',
      (id) => `/api/conversations/${id}`,
      fixtures.conversationId,
      fixtures,
      [200],
      true,
    ),
    'conversations-delete': idRoute(
      'DELETE',
      (id) => `/api/conversations/${id}`,
      fixtures.conversationId,
      fixtures,
      undefined,
      false,
    ),
    'batch-jobs-post': batchPost(fixtures),
    'batch-jobs-get': idRoute('GET', (id) => `/api/batch-jobs/${id}`, fixtures.jobId, fixtures, [200], false),
    'batch-jobs-results-get': idRoute(
      'GET',
      (id) => `/api/batch-jobs/${id}/results`,
      fixtures.jobId,
      fixtures,
      [200],
      true,
    ),
    'connectors-execute': connectorsPost(fixtures),
    'not-found': notFoundRoute(fixtures),
  };
}

function batchPost(fixtures: AbuseFixtures) {
  const route: BodyRoute = {
    valid: batchBody,
    fields: ['items', 'schema', 'instructions', 'name'],
    maxBytes: ABUSE_LIMITS.BATCH_MAX_BODY_BYTES,
    success: [202, 409],
  };
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    fc.stringMatching(/^[\x21-\x7e]{1,200}$/).map((value) => ({ value, valid: true })),
    headerValue
      .filter((value) => !/^[\x21-\x7e]{1,200}$/.test(httpTrim(value)))
      .map((value) => ({ value, valid: false })),
  );
  return fc.tuple(postRoute('/api/batch-jobs', route, fixtures), key).map(([base, idempotency]) => {
    if (idempotency === undefined) return base;
    const invalidKey = !idempotency.valid && base.expected?.[0] !== 401;
    const summary = {
      ...base,
      label: `${base.label}${idempotency.valid ? '' : ', an invalid Idempotency-Key'}`,
      headers: { ...base.headers, 'idempotency-key': idempotency.value },
      ...(invalidKey ? { expected: [400] } : {}),
    };
    return Object.assign(summary, { [fc.toStringMethod]: () => describe(summary) });
  });
}
