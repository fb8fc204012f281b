import type { HttpMethod, HttpResponseInit } from '@azure/functions';

import { ensureError } from '../errors';
import { CORRELATION_HEADER, correlationIdFrom } from '../http/correlation';
import { toErrorResponse } from '../http/error-response';
import { createRequestReader } from '../http/read-request';
import type { RequestSchemas, RouteContract } from '../http/route-contract';
import { type Caller, requireAdmin } from '../identity/caller';
import type { WindowQuotaName } from '../quota/quotas';
import { runWithCorrelation } from '../telemetry/correlation';
import type { HttpFunctionDefinition, HttpHandler, HttpInput, HttpScope } from './function-definition';

const ANONYMOUS: Caller = { userId: 'anonymous', roles: [] };

interface HttpFunctionSpec<R extends RequestSchemas> extends Omit<RouteContract, 'request'> {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  /** No caller identity needed (health, this document). Every other function requires one. */
  readonly anonymous?: boolean;
  /** Only callers with AUTH_ADMIN_ROLE (config-info); others get 403. */
  readonly admin?: boolean;
  /** Each valid request counts one against this per-user quota (429 when it is used up). */
  readonly quota?: WindowQuotaName;
  /** The parts of the request the handler gets, validated first; a part not declared is not read. */
  readonly request?: R;
  readonly handle: (input: HttpInput<R>, scope: HttpScope) => Promise<HttpResponseInit>;
}

/** A route that reads nothing from the request (config-info, say). */
interface NoRequest {
  readonly params?: undefined;
}

/**
 * Defines an HTTP trigger with its contract. The wrapper resolves the caller, parses and validates each
 * declared part of the request before the handler runs, carries the correlation id in and out, logs one
 * line per request and maps every error to the error envelope (unknown ones logged and masked). The
 * OpenAPI document and the abuse tests are generated from the same declaration.
 *
 * @example
 * export const conversationsGet = defineHttpFunction({
 *   name: 'conversations-get', route: 'conversations/{id}', methods: ['GET'],
 *   tag: 'conversations', summary: 'One conversation',
 *   request: { params: idPathParams, query: pagingQuery },
 *   responses: { 200: jsonResponse('The conversation', conversationDetailSchema) },
 *   handle: async ({ params, query }, { services, caller }) => ({
 *     jsonBody: await services.conversations.get(caller, params.id, query),
 *   }),
 * });
 */
export function defineHttpFunction<const R extends RequestSchemas = NoRequest>(
  spec: HttpFunctionSpec<R>,
): HttpFunctionDefinition {
  const {
    name,
    route,
    methods,
    anonymous = false,
    admin = false,
    quota,
    request,
    handle,
    ...documented
  } = spec;
  const schemas: RequestSchemas = request ?? {};
  const access = anonymous ? 'anonymous' : admin ? 'admin' : 'caller';
  return {
    kind: 'http',
    name,
    route,
    methods,
    anonymous,
    admin,
    contract: { ...documented, request: schemas },
    createHandler: (services) => wrap(name, route, { access, quota }, schemas, handle, services),
  };
}

/** The catch-all: served like any route, but not part of the API and so not documented. */
export function defineCatchAllFunction<const R extends RequestSchemas>(
  spec: Pick<HttpFunctionSpec<R>, 'name' | 'route' | 'methods' | 'handle'> & { readonly request: R },
): HttpFunctionDefinition {
  return {
    kind: 'http',
    name: spec.name,
    route: spec.route,
    methods: spec.methods,
    anonymous: true,
    admin: false,
    contract: undefined,
    createHandler: (services) =>
      wrap(spec.name, spec.route, { access: 'anonymous' }, spec.request, spec.handle, services),
  };
}

function wrap<R extends RequestSchemas>(
  name: string,
  route: string,
  { access, quota }: { access: 'anonymous' | 'caller' | 'admin'; quota?: WindowQuotaName | undefined },
  schemas: RequestSchemas,
  handle: HttpFunctionSpec<R>['handle'],
  services: Parameters<HttpFunctionDefinition['createHandler']>[0],
): HttpHandler {
  const read = createRequestReader(schemas, services.config);
  return async (request, context) => {
    const started = performance.now();
    const correlationId = correlationIdFrom(request.headers.get(CORRELATION_HEADER));
    const log = services.logger(context).child({ correlationId, functionName: name });
    let response: HttpResponseInit;
    try {
      // Every span started while handling carries the correlation id and joins the host's trace.
      response = await runWithCorrelation(
        correlationId,
        async () => {
          const adminRole = services.config.AUTH_ADMIN_ROLE;
          const caller = access === 'anonymous' ? ANONYMOUS : await services.resolveCaller(request);
          if (access === 'admin') requireAdmin(caller, adminRole);
          const admin = async () => requireAdmin(await services.resolveCaller(request), adminRole);
          // The reader parsed each part with the schema the input type is derived from.
          // eslint-disable-next-line @typescript-eslint/consistent-type-assertions
          const input = (await read(request)) as HttpInput<R>;
          // Counted once the request is valid: a malformed one costs the caller nothing.
          if (quota !== undefined) await services.quotas.consume(caller, quota, 1);
          const facts = {
            method: request.method,
            url: request.url,
            accept: request.headers.get('accept') ?? '',
          };
          return handle(input, { caller, admin, correlationId, log, services, context, request: facts });
        },
        { traceParent: context.traceContext?.traceParent },
      );
    } catch (thrown) {
      response = toErrorResponse(thrown, correlationId);
      if (response.status === 500) log.error('unhandled error', { error: ensureError(thrown) });
    }
    const headers = new Headers(response.headers);
    headers.set('X-Request-ID', correlationId);
    const status = response.status ?? 200;
    log.info('request', {
      method: request.method,
      route,
      status,
      latencyMs: Math.round(performance.now() - started),
    });
    return { ...response, status, headers: Object.fromEntries(headers) };
  };
}
