import type {
  HttpMethod,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
  StorageQueueHandler,
  TimerHandler,
} from '@azure/functions';
import type * as z from 'zod';

import type { Services } from '../composition/services';
import type { AppConfig } from '../config/settings';
import type { RequestSchemas, RouteContract } from '../http/route-contract';
import type { Caller } from '../identity/caller';
import type { Logger } from '../logging/logger';

export interface HttpScope {
  /** Who is calling (AUTH_MODE); a fixed anonymous caller on functions declared `anonymous`. */
  readonly caller: Caller;
  /**
   * Resolves the caller and requires AUTH_ADMIN_ROLE (401 or 403 otherwise): for an anonymous route with
   * an admin-only option (deep health).
   */
  readonly admin: () => Promise<Caller>;
  readonly correlationId: string;
  readonly log: Logger;
  readonly services: Services;
  readonly context: InvocationContext;
  /** Aborted when the client goes away before its answer (where the runtime says so; see client-signal.ts). */
  readonly signal: AbortSignal;
  /** The routing facts of the request, which need no validation: its method, URL and Accept header. */
  readonly request: { readonly method: string; readonly url: string; readonly accept: string };
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type BodyOf<B> = B extends (config: AppConfig) => infer S ? Parsed<S> : Parsed<B>;

/** What a handler gets: each part its route declared, parsed and validated. */
export interface HttpInput<R extends RequestSchemas> {
  readonly params: Parsed<R['params']>;
  readonly query: Parsed<R['query']>;
  readonly headers: Parsed<R['headers']>;
  readonly body: BodyOf<R['body']>;
}

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** What the host registers an HTTP function by: known from the function table, before its module loads. */
export interface HttpTrigger<
  Name extends string = string,
  Route extends string = string,
  Methods extends readonly HttpMethod[] = readonly HttpMethod[],
> {
  readonly kind: 'http';
  readonly name: Name;
  /** The route template after the host's prefix (`api/`), e.g. `conversations/{id}`. */
  readonly route: Route;
  readonly methods: Methods;
}

/** The part of an HTTP trigger a function's module states (its row in the function table says the same). */
export type HttpRow = Omit<HttpTrigger, 'kind'>;

export interface HttpFunctionDefinition<
  Name extends string = string,
  Route extends string = string,
  Methods extends readonly HttpMethod[] = readonly HttpMethod[],
> extends HttpTrigger<Name, Route, Methods> {
  /** Served without a caller identity, whatever AUTH_MODE says. */
  readonly anonymous: boolean;
  /** Served only to callers with AUTH_ADMIN_ROLE. */
  readonly admin: boolean;
  /** What the route accepts and answers; `undefined` only for the catch-all, which is not part of the API. */
  readonly contract: RouteContract | undefined;
  /** The handler to register, over the services it is given (the process's, or fakes in a test). */
  createHandler(services: Services): HttpHandler;
}

export interface QueueScope {
  readonly log: Logger;
  readonly services: Services;
  readonly context: InvocationContext;
  /** How many times the host has delivered this message, this delivery included. */
  readonly dequeueCount: number;
  readonly messageId: string;
}

/** What the host registers a queue function by: known from the function table, before its module loads. */
export interface QueueTrigger<Name extends string = string, Queue extends string = string> {
  readonly kind: 'queue';
  readonly name: Name;
  readonly queueName: Queue;
  /** App setting (prefix) naming the storage connection. */
  readonly connection: string;
}

export interface QueueFunctionDefinition<
  Name extends string = string,
  Queue extends string = string,
> extends QueueTrigger<Name, Queue> {
  /** The handler to register, over the services it is given (the process's, or fakes in a test). */
  createHandler(services: Services): StorageQueueHandler;
}

export interface TimerScope {
  readonly log: Logger;
  readonly services: Services;
  readonly context: InvocationContext;
}

/** The settings that hold a timer's NCRONTAB schedule (parsed and checked at cold start). */
export type ScheduleSetting = 'RECOVERY_SCHEDULE';

/** What the host registers a timer function by: its schedule is the value of a setting. */
export interface TimerTrigger<
  Name extends string = string,
  Schedule extends ScheduleSetting = ScheduleSetting,
> {
  readonly kind: 'timer';
  readonly name: Name;
  readonly scheduleSetting: Schedule;
}

export interface TimerFunctionDefinition<
  Name extends string = string,
  Schedule extends ScheduleSetting = ScheduleSetting,
> extends TimerTrigger<Name, Schedule> {
  /** The handler to register, over the services it is given (the process's, or fakes in a test). */
  createHandler(services: Services): TimerHandler;
}

export type FunctionDefinition = HttpFunctionDefinition | QueueFunctionDefinition | TimerFunctionDefinition;

/** What the host registers a function by. */
export type FunctionTrigger = HttpTrigger | QueueTrigger | TimerTrigger;

/**
 * One row of the function table: the trigger the host registers at cold start, and the function's
 * module, loaded (with its contract, its schemas and the code it calls) on the function's first
 * invocation.
 */
export type FunctionEntry =
  | (HttpTrigger & { load(): Promise<HttpFunctionDefinition> })
  | (QueueTrigger & { load(): Promise<QueueFunctionDefinition> })
  | (TimerTrigger & { load(): Promise<TimerFunctionDefinition> });
