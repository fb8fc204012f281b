import fc from 'fast-check';
import { z } from 'zod';

import { loadFunctionDefinitions } from '../../../src/functions';
import { defaultConfig } from '../../../src/shared/config/load-config';
import type { AppConfig } from '../../../src/shared/config/settings';
import type { HttpFunctionDefinition } from '../../../src/shared/hosting/function-definition';
import { toOpenApiPath } from '../../../src/shared/http/api-contract/openapi-document';
import {
  healthQuery,
  idempotencyHeaders,
  pagingQuery,
} from '../../../src/shared/http/api-contract/request-schemas';
import { SSE_MEDIA_TYPE } from '../../../src/shared/http/api-contract/responses';
import { bodySchemaOf } from '../../../src/shared/http/route-contract';
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

const healthQueryVariants: fc.Arbitrary<Paging> = fc.oneof(
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

/** Valid bodies by the body schema's id; a route without one here uses the `examples` of its schema. */
const VALID_BODIES: Readonly<Record<string, fc.Arbitrary<Record<string, unknown>>>> = {
  ChatRequest: chatBody,
  CompletionsRequest: completionsBody,
  BatchJobRequest: batchBody,
};

/**
 * Routes whose callers need more than an identity (an app role) bring their own generator; every other
 * route is derived from its contract.
 */
const OWN_GENERATORS: Readonly<Record<string, (fixtures: AbuseFixtures) => fc.Arbitrary<HostileRequest>>> = {
  'connectors-execute': connectorsPost,
};

/** The settings the abuse host runs with, for routes whose limits are settings. */
const limits: AppConfig = { ...defaultConfig(), ...ABUSE_LIMITS };

/** The ids of the owner's resources, by the first segment of their routes. */
const ownedIds = (fixtures: AbuseFixtures): Readonly<Record<string, string>> => ({
  conversations: fixtures.conversationId,
  'batch-jobs': fixtures.jobId,
});

/**
 * One arbitrary per HTTP function of the app, by function name, derived from the table in
 * src/functions/index.ts: each route's declared contract says what it reads (path ids, paging, headers, a
 * body and its schema) and what it answers, so a new route is fuzzed without a line here.
 */
export async function hostileRequestsByFunction(
  fixtures: AbuseFixtures,
): Promise<Record<string, fc.Arbitrary<HostileRequest>>> {
  return Object.fromEntries(
    (await loadFunctionDefinitions())
      .filter((definition): definition is HttpFunctionDefinition => definition.kind === 'http')
      .map((definition) => [
        definition.name,
        OWN_GENERATORS[definition.name]?.(fixtures) ?? hostileRequestsFor(definition, fixtures),
      ]),
  );
}

function hostileRequestsFor(definition: HttpFunctionDefinition, fixtures: AbuseFixtures) {
  const { contract } = definition;
  if (contract === undefined) return notFoundRoute(fixtures);
  const { request, responses } = contract;
  const method = definition.methods[0] ?? 'GET';
  const path = toOpenApiPath(definition.route);
  // A route that counts against a quota may answer 429 to a valid request once the caller used it up.
  const successes = Object.keys(responses)
    .map(Number)
    .filter((status) => (status >= 200 && status < 300) || status === 409 || status === 429);
  if (request.body !== undefined) {
    const body = bodySchemaOf(request.body, limits);
    const route: BodyRoute = {
      valid: validBodies(definition.name, body),
      fields: body instanceof z.ZodObject ? Object.keys(body.shape) : [],
      freeFields: body instanceof z.ZodObject ? freeFieldsOf(body) : [],
      maxBytes: request.maxBodyBytes?.(limits) ?? limits.HTTP_MAX_BODY_BYTES,
      success: successes,
    };
    const streams = Object.values(responses).some(
      (response) => response.content?.[SSE_MEDIA_TYPE] !== undefined,
    );
    const base = postRoute(path, route, fixtures, streams ? acceptHeader : undefined);
    return request.headers === idempotencyHeaders ? withIdempotencyKey(base) : base;
  }
  const withPaging = request.query === pagingQuery;
  if (request.params !== undefined) {
    const [resource = ''] = definition.route.split('/');
    return idRoute(
      method,
      (id) => path.replace(/\{id\}/, id),
      ownedIds(fixtures)[resource],
      fixtures,
      method === 'DELETE' ? undefined : successes,
      withPaging,
    );
  }
  const isHealth = request.query === healthQuery;
  const query = withPaging ? paging : isHealth ? healthQueryVariants : anyQuery;
  return getRoute(path, query, fixtures, {
    anonymous: definition.anonymous,
    adminOnly: (search) =>
      definition.admin || (isHealth && ['true', '1'].includes(new URLSearchParams(search).get('deep') ?? '')),
  });
}

const acceptHeader = fc.option(
  fc.constantFrom('text/event-stream', 'application/json', '*/*', 'text/event-stream;q=0'),
  { nil: undefined },
);

/** Fields that take any JSON value (a huge one is still valid). */
function freeFieldsOf(body: z.ZodObject): string[] {
  return Object.entries(body.shape)
    .filter(
      ([, field]) =>
        field instanceof z.ZodUnknown ||
        (field instanceof z.ZodOptional && field.unwrap() instanceof z.ZodUnknown),
    )
    .map(([name]) => name);
}

function validBodies(name: string, body: z.ZodType): fc.Arbitrary<Record<string, unknown>> {
  const id = body.meta()?.id;
  const known = id === undefined ? undefined : VALID_BODIES[id];
  if (known !== undefined) return known;
  const examples = z.array(z.record(z.string(), z.unknown())).catch([]).parse(body.meta()?.examples);
  const valid = examples.filter((example) => body.safeParse(example).success);
  if (valid.length === 0) {
    throw new Error(
      `${name}: give its body schema valid \`examples\` in .meta(), so the abuse tests can start from one`,
    );
  }
  return fc.constantFrom(...valid);
}

/** An Idempotency-Key header on some requests: absent, valid, or malformed (then 400 unless 401 comes first). */
function withIdempotencyKey(requests: fc.Arbitrary<HostileRequest>) {
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    fc.stringMatching(/^[\x21-\x7e]{1,200}$/).map((value) => ({ value, valid: true })),
    headerValue
      .filter((value) => !/^[\x21-\x7e]{1,200}$/.test(httpTrim(value)))
      .map((value) => ({ value, valid: false })),
  );
  return fc.tuple(requests, key).map(([base, idempotency]) => {
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
