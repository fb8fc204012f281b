import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import { CORRELATION_HEADER, correlationIdFrom } from '../../src/shared/http/correlation';
import { RouteTable } from '../../src/shared/http/route-table';
import type { Registration } from './functions-core';
import { serveStaticFile } from './static-files';

/**
 * The parts of `@azure/functions` the host builds invocations with. The host takes them from the app's
 * own copy of the library (as the worker hands invocations to the programming model the app
 * registered), so an app that ships its own copy, like the deployment package, gets its own classes.
 */
export type FunctionsLibrary = Pick<
  typeof import('@azure/functions'),
  'HttpRequest' | 'HttpResponse' | 'InvocationContext'
>;

export interface HttpHostOptions {
  readonly library: FunctionsLibrary;
  readonly routePrefix: string;
  readonly allowedOrigins: readonly string[];
  readonly log: (level: 'info' | 'warn' | 'error', line: string) => void;
  readonly invocationLog: (level: string, line: string) => void;
  /** What this host actually serves (HTTP routes, queue and timer listeners), for GET /admin/functions. */
  readonly served: () => readonly ServedFunction[];
  /** Runs a timer function now (POST /admin/functions/<name>); undefined when there is no such timer. */
  readonly runNow?: (name: string) => Promise<void> | undefined;
  /** A built web app served at `/`, outside the route prefix and /admin (npm start's reference web app). */
  readonly webAppRoot?: string | undefined;
  /** The longest stretch the event loop was held, for GET (and DELETE, to reset) /admin/event-loop. */
  readonly eventLoop?: { read(): unknown; reset(): void };
}

export interface ServedFunction {
  readonly name: string;
  readonly trigger: 'httpTrigger' | 'queueTrigger' | 'timerTrigger';
  readonly route?: string;
  readonly methods?: readonly string[];
  readonly queueName?: string;
  readonly schedule?: string;
}

/** The HTTP functions among the registrations, with the route template the host serves them on. */
export function httpFunctionsOf(
  registrations: readonly Registration[],
  routePrefix: string,
): ServedFunction[] {
  return registrations.flatMap((registration) => {
    const trigger = Object.values(registration.bindings).find((binding) => binding.type === 'httpTrigger');
    if (trigger === undefined) return [];
    const route = [routePrefix, trigger.route ?? registration.name].filter((part) => part !== '').join('/');
    const methods = (trigger.methods ?? ['GET', 'POST']).map((method) => method.toUpperCase());
    return [{ name: registration.name, trigger: 'httpTrigger' as const, route, methods }];
  });
}

/**
 * Serves the app's HTTP functions like the Functions host: same routes and methods, the library's own
 * HttpRequest, and response bodies written chunk by chunk as the handler's stream yields them.
 */
export function createHttpHost(registrations: readonly Registration[], options: HttpHostOptions): Server {
  const { HttpRequest, HttpResponse, InvocationContext } = options.library;
  const routes = new RouteTable<{ registration: Registration; trigger: Registration['bindings'][string] }>();
  for (const served of httpFunctionsOf(registrations, options.routePrefix)) {
    const registration = registrations.find((candidate) => candidate.name === served.name);
    const trigger =
      registration && Object.values(registration.bindings).find((binding) => binding.type === 'httpTrigger');
    if (registration === undefined || trigger === undefined) continue;
    routes.add({
      template: served.route ?? '',
      methods: served.methods ?? [],
      target: { registration, trigger },
    });
  }

  return createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      options.log('error', `local host failed to serve ${incoming.method} ${incoming.url}: ${String(error)}`);
      if (!outgoing.headersSent)
        sendJson(outgoing, 500, 'internal_error', 'Internal server error', randomUUID());
      else outgoing.destroy();
    });
  });

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const method = (incoming.method ?? 'GET').toUpperCase();
    const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? 'localhost'}`);
    const cors = corsHeaders(incoming.headers.origin, options.allowedOrigins);

    if (method === 'OPTIONS' && incoming.headers['access-control-request-method'] !== undefined) {
      if (cors === undefined) {
        sendJson(outgoing, 403, 'cors_forbidden', 'This origin is not allowed', randomUUID());
        return;
      }
      outgoing.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers':
          incoming.headers['access-control-request-headers'] ?? 'content-type, authorization, x-request-id',
        'Access-Control-Max-Age': '600',
      });
      outgoing.end();
      return;
    }

    if (url.pathname === '/admin/functions' && method === 'GET') {
      // Like the host's admin API: what this host serves, so tests can compare it with what the app registered.
      outgoing.writeHead(200, { 'Content-Type': 'application/json' });
      outgoing.end(JSON.stringify(options.served()));
      return;
    }

    const manual = /^\/admin\/functions\/([^/]+)$/.exec(url.pathname);
    if (manual !== null && method === 'POST') {
      // Like the host's admin API: run a non-HTTP function now (202); it runs on this host, in the background.
      const started = options.runNow?.(decodeURIComponent(manual[1] ?? ''));
      if (started === undefined) {
        sendJson(outgoing, 404, 'not_found', 'No timer function of that name', randomUUID());
        return;
      }
      started.catch(() => undefined);
      outgoing.writeHead(202);
      outgoing.end();
      return;
    }

    if (url.pathname === '/admin/event-loop' && options.eventLoop !== undefined) {
      // Local only: lets a test check that no input held the event loop (see busy-probe.ts).
      if (method === 'DELETE') options.eventLoop.reset();
      outgoing.writeHead(200, { 'Content-Type': 'application/json' });
      outgoing.end(JSON.stringify(options.eventLoop.read()));
      return;
    }
    // Route matching is case-insensitive, as in Azure: /API/health is the API's too. A path written under
    // the prefix stays the host's even when dot segments (%2e%2e) would normalise it out of there.
    const prefix = `/${options.routePrefix.toLowerCase()}`;
    const isHostPath = [url.pathname, (incoming.url ?? '/').split('?')[0] ?? '/']
      .map((path) => path.toLowerCase())
      .some((path) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith('/admin/'));
    if (options.webAppRoot !== undefined && !isHostPath && (method === 'GET' || method === 'HEAD')) {
      await serveStaticFile(options.webAppRoot, url.pathname, method, outgoing);
      return;
    }

    const matched = routes.match(url.pathname, method);
    if (matched.found === undefined) {
      const correlationId = correlationIdFrom(incoming.headers[CORRELATION_HEADER]?.toString());
      if (matched.allowed.length > 0) {
        const headers = { ...cors, Allow: matched.allowed.join(', ') };
        sendJson(
          outgoing,
          405,
          'method_not_allowed',
          `Method ${method} is not allowed here`,
          correlationId,
          headers,
        );
      } else {
        sendJson(outgoing, 404, 'not_found', `No function serves ${url.pathname}`, correlationId, cors);
      }
      return;
    }

    const { registration, trigger } = matched.found.target;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const nativeRequest = new Request(url, {
      method,
      headers: toHeaders(incoming),
      ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream, duplex: 'half' } : {}),
    });
    const request = new HttpRequest({ nativeRequest, params: matched.found.params } as never);
    exposeDisconnect(request, outgoing);
    const invocationId = randomUUID();
    const context = new InvocationContext({
      invocationId,
      functionName: registration.name,
      options: {
        trigger: { ...trigger, name: trigger.name ?? 'request' },
        extraInputs: [],
        extraOutputs: [],
      },
      logHandler: (level, ...args) => {
        options.invocationLog(level, args.map(String).join(' '));
      },
    });

    const result = await registration.handler(request, context);
    const response = result instanceof HttpResponse ? result : new HttpResponse(result ?? {});
    // Merged by name, case-insensitively: the app's own headers win over the host's CORS defaults.
    const merged = new Headers(cors);
    response.headers.forEach((value, key) => {
      merged.set(key, value);
    });
    const headers: Record<string, string> = Object.fromEntries(merged);
    for (const cookie of response.cookies) {
      outgoing.appendHeader('Set-Cookie', `${cookie.name}=${cookie.value}`);
    }
    // A handler that answered without reading the whole body (413, early validation) leaves bytes on the
    // socket: close it after this response, as servers do, so a client does not reuse a broken connection.
    if (!incoming.complete) headers.connection = 'close';
    outgoing.writeHead(response.status, headers);
    await pipeBody(response.body as WebReadableStream<Uint8Array> | null, outgoing);
  }
}

/**
 * Gives the request a Fetch-style `signal`, aborted when the client goes away before its response is
 * written. @azure/functions 4.x has no such signal (azure-functions-nodejs-library#273): this is the
 * Fetch standard's way to say it, which the app reads where a runtime provides it (see client-signal.ts).
 */
function exposeDisconnect(request: object, outgoing: ServerResponse): void {
  const disconnected = new AbortController();
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) disconnected.abort(new Error('client disconnected'));
  });
  Object.defineProperty(request, 'signal', { value: disconnected.signal, enumerable: false });
}

/** Writes each chunk as it arrives; a client that goes away cancels the handler's stream. */
async function pipeBody(body: WebReadableStream<Uint8Array> | null, outgoing: ServerResponse): Promise<void> {
  if (body === null) {
    outgoing.end();
    return;
  }
  const reader = body.getReader();
  const onClose = () => {
    if (!outgoing.writableFinished) reader.cancel(new Error('client disconnected')).catch(() => undefined);
  };
  outgoing.on('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (outgoing.destroyed) break;
      outgoing.write(value);
    }
  } catch {
    // The stream failed or was cancelled after headers went out: end the response as it is.
  } finally {
    outgoing.off('close', onClose);
    if (!outgoing.destroyed) outgoing.end();
  }
}

function toHeaders(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

function corsHeaders(
  origin: string | undefined,
  allowed: readonly string[],
): Record<string, string> | undefined {
  if (origin === undefined || !allowed.includes(origin)) return undefined;
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'X-Request-ID, Retry-After, Location, X-Conversation-Id',
    Vary: 'Origin',
  };
}

function sendJson(
  outgoing: ServerResponse,
  status: number,
  code: string,
  message: string,
  correlationId: string,
  headers: Record<string, string> = {},
): void {
  outgoing.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'X-Request-ID': correlationId,
  });
  outgoing.end(JSON.stringify({ error: { code, message }, correlationId }));
}
