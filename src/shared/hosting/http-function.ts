// Longer than 200 lines because it is the one wrapper of every HTTP trigger: parsing, caller, quota,
// disconnect and error mapping, in the order each request meets them.
import type { HttpMethod, HttpResponseInit } from '@azure/functions';

import type { AppConfig } from '../config/settings';
import { ensureError } from '../errors';
import { CORRELATION_HEADER, correlationIdFrom } from '../http/correlation';
import { type ErrorFormat, toErrorResponse } from '../http/error-response';
import { createRequestReader } from '../http/read-request';
import type { RequestSchemas, RouteContract } from '../http/route-contract';
import { type Caller, requireAdmin } from '../identity/caller';
import type { WindowQuotaName } from '../quota/quotas';
import { runWithCorrelation } from '../telemetry/correlation';
import { clientSignalOf } from './client-signal';
import type {
  HttpFunctionDefinition,
  HttpHandler,
  HttpInput,
  HttpRow,
  HttpScope,
} from './function-definition';

const ANONYMOUS: Caller = { userId: 'anonymous', roles: [] };
const EXPOSED_HEADERS = 'X-Request-ID, Retry-After, Location, X-Conversation-Id';

interface HttpFunctionSpec<R extends RequestSchemas> extends Omit<RouteContract, 'request'> {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  /** No caller identity needed (health, this document). Every other function requires one. */
  readonly anonymous?: boolean;
  /**
   * Who may call, checked once the caller is known and before any part of the request is read (a 403 or
   * a disabled feature's 404 reveals nothing about the body); throws an AppError to refuse.
   */
  readonly authorize?: (caller: Caller, config: AppConfig) => void;
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
export function defineHttpFunction<
  const R extends RequestSchemas = NoRequest,
  const T extends HttpRow = HttpRow,
>(spec: HttpFunctionSpec<R> & T): HttpFunctionDefinition<T['name'], T['route'], T['methods']> {
  const {
    name,
    route,
    methods: _methods, // the definition states spec.methods, with its literal type
    anonymous = false,
    admin = false,
    quota,
    authorize,
    request,
    handle,
    ...documented
  }: HttpFunctionSpec<R> = spec;
  const schemas: RequestSchemas = request ?? {};
  const toResponse = spec.errorFormat?.toResponse ?? toErrorResponse;
  const access = anonymous ? 'anonymous' : admin ? 'admin' : 'caller';
  return {
    kind: 'http',
    name: spec.name,
    route: spec.route,
    methods: spec.methods,
    anonymous,
    admin,
    contract: { ...documented, request: schemas },
    createHandler: (services) =>
      wrap(
        {
          name,
          route,
          access,
          quota,
          schemas,
          handle,
          toResponse,
          ...(authorize === undefined ? {} : { authorize }),
        },
        services,
      ),
  };
}

/** The catch-all: served like any route, but not part of the API and so not documented. */
export function defineCatchAllFunction<const R extends RequestSchemas, const T extends HttpRow>(
  spec: Pick<HttpFunctionSpec<R>, 'handle'> & T & { readonly request: R },
): HttpFunctionDefinition<T['name'], T['route'], T['methods']> {
  return {
    kind: 'http',
    name: spec.name,
    route: spec.route,
    methods: spec.methods,
    anonymous: true,
    admin: false,
    contract: undefined,
    createHandler: (services) =>
      wrap(
        {
          name: spec.name,
          route: spec.route,
          access: 'anonymous',
          schemas: spec.request,
          handle: spec.handle,
          toResponse: toErrorResponse,
        },
        services,
      ),
  };
}

interface Wrapped<R extends RequestSchemas> {
  readonly name: string;
  readonly route: string;
  readonly access: 'anonymous' | 'caller' | 'admin';
  /** Each valid request counts one against this per-user quota (429 when it is used up). */
  readonly quota?: WindowQuotaName | undefined;
  readonly authorize?: HttpFunctionSpec<R>['authorize'];
  readonly schemas: RequestSchemas;
  readonly handle: HttpFunctionSpec<R>['handle'];
  readonly toResponse: ErrorFormat['toResponse'];
}

function wrap<R extends RequestSchemas>(
  { name, route, access, quota, authorize, schemas, handle, toResponse }: Wrapped<R>,
  services: Parameters<HttpFunctionDefinition['createHandler']>[0],
): HttpHandler {
  const read = createRequestReader(schemas, services.config);
  return async (request, context) => {
    const started = performance.now();
    const correlationId = correlationIdFrom(request.headers.get(CORRELATION_HEADER));
    const log = services.logger(context).child({ correlationId, functionName: name });
    const signal = clientSignalOf(request);
    let response: HttpResponseInit;
    try {
      // Every span started while handling carries the correlation id and joins the host's trace.
      response = await runWithCorrelation(
        correlationId,
        async () => {
          const adminRole = services.config.AUTH_ADMIN_ROLE;
          const caller = access === 'anonymous' ? ANONYMOUS : await services.resolveCaller(request);
          if (access === 'admin') requireAdmin(caller, adminRole);
          authorize?.(caller, services.config);
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
          const scope = { caller, admin, correlationId, log, services, context, signal, request: facts };
          return handle(input, scope);
        },
        { traceParent: context.traceContext?.traceParent },
      );
    } catch (thrown) {
      // A client gone is no fault: its work stopped, and the answer (499, as proxies log it) goes to nobody.
      response = signal.aborted ? { status: 499 } : toResponse(thrown, correlationId);
      const stoppedBy = ensureError(thrown).message; // the abort, as whatever was running saw it
      if (signal.aborted) log.info('client disconnected; its work was stopped', { route, stoppedBy });
      else if (response.status === 500) log.error('unhandled error', { error: ensureError(thrown) });
    }
    const headers = new Headers(response.headers);
    headers.set('X-Request-ID', correlationId);
    // A single-page app on another origin (the web app on Static Web Apps) may read these: the platform's
    // CORS setting allows origins but names no exposed headers.
    headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
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
