import type { HttpRequest } from '@azure/functions';
import type * as z from 'zod';

import type { AppConfig } from '../config/settings';
import { NotFoundError, toErrorDetails, ValidationError } from '../errors';
import { readJsonBody } from './read-json-body';
import { bodySchemaOf, type RequestSchemas } from './route-contract';

/** The parts of a request a route declared, parsed; `undefined` for a part it did not declare. */
export interface ParsedRequest {
  readonly params: unknown;
  readonly query: unknown;
  readonly headers: unknown;
  readonly body: unknown;
}

/**
 * A reader of the parts a route declares, for one configuration: path parameters (404 when one does not
 * parse: a malformed id names nothing the caller owns), then the query (400), the headers (400 naming the
 * header) and the JSON body (400, 413, 415), in that order.
 *
 * @example
 * const read = createRequestReader({ params: z.object({ id: conversationIdSchema }) }, config);
 * const { params } = await read(request); // { id: '...' }, or a NotFoundError
 */
export function createRequestReader(
  schemas: RequestSchemas,
  config: AppConfig,
): (request: HttpRequest) => Promise<ParsedRequest> {
  const body = schemas.body === undefined ? undefined : bodySchemaOf(schemas.body, config);
  const maxBytes = schemas.maxBodyBytes?.(config) ?? config.HTTP_MAX_BODY_BYTES;
  return async (request) => {
    const params = schemas.params && readParams(schemas.params, request);
    const query = schemas.query && readQuery(schemas.query, request);
    const headers = schemas.headers && readHeaders(schemas.headers, request);
    return {
      params,
      query,
      headers,
      body: body === undefined ? undefined : await readJsonBody(request, body, maxBytes),
    };
  };
}

function readParams(schema: z.ZodObject, request: HttpRequest): unknown {
  const parsed = schema.safeParse(valuesOf(schema, (name) => request.params[name]));
  if (parsed.success) return parsed.data;
  const name = String(parsed.error.issues[0]?.path[0] ?? 'id');
  throw new NotFoundError(`No such ${name === 'id' ? 'resource' : name}`);
}

function readQuery(schema: z.ZodObject, request: HttpRequest): unknown {
  const parsed = schema.safeParse(valuesOf(schema, (name) => request.query.get(name) ?? undefined));
  if (!parsed.success) throw new ValidationError('The query is invalid', toErrorDetails(parsed.error));
  return parsed.data;
}

function readHeaders(schema: z.ZodObject, request: HttpRequest): unknown {
  const parsed = schema.safeParse(valuesOf(schema, (name) => request.headers.get(name) ?? undefined));
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const name = String(issue?.path[0] ?? 'header');
  throw new ValidationError(`The ${name} header is invalid`, [
    { path: name, message: issue?.message ?? 'is invalid' },
  ]);
}

/** Only the declared names are read: the schema never sees what the route does not use. */
function valuesOf(schema: z.ZodObject, read: (name: string) => string | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.keys(schema.shape).map((name) => [name, read(name)]));
}
