import type {
  HttpMethod,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
  StorageQueueHandler,
} from '@azure/functions';

import type { Services } from '../composition/services';
import { ensureError } from '../errors';
import { CORRELATION_HEADER, correlationIdFrom } from '../http/correlation';
import { toErrorResponse } from '../http/error-response';
import type { Caller } from '../identity/caller';
import type { Logger } from '../logging/logger';
import { runWithCorrelation } from '../telemetry/correlation';

const ANONYMOUS: Caller = { userId: 'anonymous' };

export interface HttpScope {
  /** Who is calling (AUTH_MODE); a fixed anonymous caller on functions declared `anonymous`. */
  readonly caller: Caller;
  readonly correlationId: string;
  readonly log: Logger;
  readonly services: Services;
  readonly context: InvocationContext;
}

export interface HttpFunctionDefinition {
  readonly kind: 'http';
  readonly name: string;
  readonly route: string;
  readonly methods: readonly HttpMethod[];
  /** The handler to register, over the services it is given (the process's, or fakes in a test). */
  createHandler(services: Services): HttpHandler;
}

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface QueueScope {
  readonly log: Logger;
  readonly services: Services;
  readonly context: InvocationContext;
  /** How many times the host has delivered this message, this delivery included. */
  readonly dequeueCount: number;
  readonly messageId: string;
}

export interface QueueFunctionDefinition {
  readonly kind: 'queue';
  readonly name: string;
  readonly queueName: string;
  /** App setting (prefix) naming the storage connection. */
  readonly connection: string;
  /** The handler to register, over the services it is given (the process's, or fakes in a test). */
  createHandler(services: Services): StorageQueueHandler;
}

export type FunctionDefinition = HttpFunctionDefinition | QueueFunctionDefinition;

/**
 * Wraps an HTTP trigger: correlation id in and out, one log line per request, every error mapped
 * to the error envelope (unknown ones logged and masked).
 *
 * @example
 * export const healthGet = defineHttpFunction({
 *   name: 'health', route: 'health', methods: ['GET'],
 *   handle: async (request, { services }) => ({ jsonBody: await services.health.check(false) }),
 * });
 */
export function defineHttpFunction(spec: {
  name: string;
  route: string;
  methods: readonly HttpMethod[];
  /** No caller identity needed (health). Every other function requires one. */
  anonymous?: boolean;
  handle: (request: HttpRequest, scope: HttpScope) => Promise<HttpResponseInit>;
}): HttpFunctionDefinition {
  const createHandler =
    (services: Services): HttpHandler =>
    async (request, context) => {
      const started = performance.now();
      const correlationId = correlationIdFrom(request.headers.get(CORRELATION_HEADER));
      const log = services.logger(context).child({ correlationId, functionName: spec.name });
      let response: HttpResponseInit;
      try {
        // Every span started while handling carries the correlation id and joins the host's trace.
        response = await runWithCorrelation(
          correlationId,
          async () => {
            const caller = spec.anonymous === true ? ANONYMOUS : await services.resolveCaller(request);
            return spec.handle(request, { caller, correlationId, log, services, context });
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
        route: spec.route,
        status,
        latencyMs: Math.round(performance.now() - started),
      });
      return { ...response, status, headers: Object.fromEntries(headers) };
    };
  return { kind: 'http', name: spec.name, route: spec.route, methods: spec.methods, createHandler };
}

/**
 * Wraps a queue trigger. A thrown error fails the delivery: the host retries the message and moves it
 * to `<queue>-poison` after maxDequeueCount, so handlers must be idempotent.
 */
export function defineQueueFunction(spec: {
  name: string;
  queueName: string;
  connection?: string;
  handle: (message: unknown, scope: QueueScope) => Promise<void>;
}): QueueFunctionDefinition {
  const createHandler =
    (services: Services): StorageQueueHandler =>
    async (message, context) => {
      const metadata = context.triggerMetadata ?? {};
      const dequeueCount = typeof metadata.dequeueCount === 'number' ? metadata.dequeueCount : 1;
      const messageId = typeof metadata.id === 'string' ? metadata.id : context.invocationId;
      const log = services.logger(context).child({ functionName: spec.name, messageId, dequeueCount });
      try {
        await runWithCorrelation(
          messageId,
          () => spec.handle(message, { log, services, context, dequeueCount, messageId }),
          {
            traceParent: context.traceContext?.traceParent,
          },
        );
      } catch (thrown) {
        log.warn('queue message failed; the host will retry it', { error: ensureError(thrown) });
        throw thrown;
      }
    };
  return {
    kind: 'queue',
    name: spec.name,
    queueName: spec.queueName,
    connection: spec.connection ?? 'AzureWebJobsStorage',
    createHandler,
  };
}
