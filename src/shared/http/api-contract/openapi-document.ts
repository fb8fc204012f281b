import { OpenApiGeneratorV31, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';

import { appInfo } from '../../app-info';
import { defaultConfig } from '../../config/load-config';
import { bodySchemaOf, type RouteContract } from '../route-contract';
import { requestIdHeaders } from './request-schemas';
import {
  type ApiResponse,
  bodyErrors,
  forbidden,
  headerComponents,
  headerRefs,
  JSON_MEDIA_TYPE,
  otherErrors,
  unauthorized,
} from './responses';
import { authDescription, callerSecurity, securitySchemes } from './security-schemes';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** What the document reads of a function in the table (the definitions of shared/hosting have these fields). */
export type DocumentedFunction =
  | {
      readonly kind: 'http';
      readonly name: string;
      readonly route: string;
      readonly methods: readonly string[];
      readonly anonymous: boolean;
      readonly contract: RouteContract | undefined;
    }
  | { readonly kind: 'queue' | 'timer' };
type HttpFunctionDefinition = Extract<DocumentedFunction, { kind: 'http' }>;

/** The schema of this document's own route. */
export const openApiDocumentSchema = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OpenApiDocument', description: 'This OpenAPI 3.1 document' });

/** host.json's extensions.http.routePrefix: every HTTP route is served under it. */
export const ROUTE_PREFIX = '/api';

const METHODS = {
  GET: 'get',
  POST: 'post',
  PUT: 'put',
  PATCH: 'patch',
  DELETE: 'delete',
  HEAD: 'head',
  OPTIONS: 'options',
  TRACE: 'trace',
} as const;

/** The catch-all (`{*path}`) answers what no other route serves; it is not part of the API. */
export const isCatchAll = (definition: HttpFunctionDefinition) => definition.route.includes('{*');

/** `conversations/{id:regex}` as an OpenAPI path: `/api/conversations/{id}`. */
export function toOpenApiPath(route: string): string {
  const path = route.replace(/\{([A-Za-z_]\w*)(?::[^}]*)?\}/g, '{$1}');
  if (/\{[^}]*\?\}/.test(path)) throw new Error(`optional route parameters cannot be documented: ${route}`);
  return `${ROUTE_PREFIX}/${path}`;
}

const TAGS = [
  { name: 'chat', description: 'Chat turns with tools, plain completions, streaming' },
  {
    name: 'openai',
    description: "OpenAI's Chat Completions API over the same chat turns; errors are OpenAI error objects",
  },
  { name: 'conversations', description: "The caller's stored conversations" },
  { name: 'batch', description: 'Queue-driven batch extraction jobs' },
  { name: 'connectors', description: 'Connector code run in isolated sandboxes' },
  { name: 'usage', description: "The caller's per-user quotas" },
  { name: 'operations', description: 'Health, configuration and this document' },
];

/**
 * The OpenAPI 3.1 document of every HTTP function in `definitions` (the table in src/functions), built by
 * zod-to-openapi from the contract each function declares: the schemas its wrapper validates with (bodies
 * whose limits are settings, with the defaults) and its responses. Throws when a function other than the
 * catch-all has no contract, or its route and its path parameters disagree.
 *
 * @example
 * const document = buildOpenApiDocument(await loadFunctionDefinitions());
 * document.paths?.['/api/chat']?.post?.requestBody; // refers to the ChatRequest schema
 */
export function buildOpenApiDocument(definitions: readonly DocumentedFunction[]): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  for (const [name, scheme] of Object.entries(securitySchemes)) {
    registry.registerComponent('securitySchemes', name, scheme);
  }
  for (const [name, header] of Object.entries(headerComponents)) {
    registry.registerComponent('headers', name, header);
  }

  const defaults = defaultConfig();
  for (const definition of definitions) {
    if (definition.kind !== 'http' || isCatchAll(definition)) continue;
    const { contract } = definition;
    if (contract === undefined) {
      throw new Error(
        `The HTTP function '${definition.name}' (${definition.methods.join(', ')} ${toOpenApiPath(definition.route)}) declares no contract (tag, summary, request and responses in its defineHttpFunction)`,
      );
    }
    checkPathParameters(definition, contract);
    for (const method of definition.methods) {
      const operationId =
        definition.methods.length === 1 ? definition.name : `${definition.name}-${method.toLowerCase()}`;
      registry.registerPath(toRouteConfig(definition, method, contract, operationId, defaults));
    }
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: appInfo.service,
      version: appInfo.version,
      description: [
        'LLM chat backend on Azure Functions: chat turns with tools, streaming, conversation history and batch jobs.',
        '',
        'Every response carries X-Request-ID; every error is an ErrorBody.',
        '',
        authDescription,
      ].join('\n'),
    },
    tags: TAGS,
    security: callerSecurity,
  });
}

function checkPathParameters(definition: HttpFunctionDefinition, contract: RouteContract): void {
  const inRoute = [...definition.route.matchAll(/\{([A-Za-z_]\w*)/g)].map((match) => match[1]).sort();
  const inContract = Object.keys(contract.request.params?.shape ?? {}).sort();
  if (inRoute.join() !== inContract.join()) {
    throw new Error(
      `The contract of '${definition.name}' declares path parameters [${inContract.join(', ')}] but its route '${definition.route}' has [${inRoute.join(', ')}]`,
    );
  }
}

function toRouteConfig(
  definition: HttpFunctionDefinition,
  method: string,
  contract: RouteContract,
  operationId: string,
  defaults: Parameters<typeof bodySchemaOf>[1],
): RouteConfig {
  const { params, query, headers, body: bodySource } = contract.request;
  const body = bodySource === undefined ? undefined : bodySchemaOf(bodySource, defaults);
  const verb = Object.entries(METHODS).find(([name]) => name === method)?.[1];
  if (verb === undefined) throw new Error(`${definition.name}: the method ${method} cannot be documented`);
  const inFormat = (response: ApiResponse) => withErrorSchema(response, contract.errorFormat?.schema);
  const responses: Record<string, ApiResponse> = {
    ...(body === undefined ? {} : mapValues(bodyErrors, inFormat)),
    ...(definition.anonymous ? {} : { 401: inFormat(unauthorized), 403: inFormat(forbidden) }),
    ...contract.responses,
    default: inFormat(otherErrors),
  };
  return {
    method: verb,
    path: toOpenApiPath(definition.route),
    operationId,
    tags: [contract.tag],
    summary: contract.summary,
    ...(contract.description === undefined ? {} : { description: contract.description }),
    ...(definition.anonymous ? { security: [] } : {}),
    request: {
      ...(params === undefined ? {} : { params }),
      ...(query === undefined ? {} : { query }),
      headers: z.object({ ...requestIdHeaders.shape, ...headers?.shape }),
      ...(body === undefined
        ? {}
        : { body: { required: true, content: { [JSON_MEDIA_TYPE]: { schema: body } } } }),
    },
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, response]) => [
        status,
        { ...response, headers: { ...headerRefs('X-Request-ID'), ...response.headers } },
      ]),
    ),
  };
}

/** An error response of the envelope, with the body schema of the route's own error format instead. */
function withErrorSchema(response: ApiResponse, schema: z.ZodType | undefined): ApiResponse {
  return schema === undefined ? response : { ...response, content: { [JSON_MEDIA_TYPE]: { schema } } };
}

function mapValues<T>(record: Readonly<Record<string, T>>, map: (value: T) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
