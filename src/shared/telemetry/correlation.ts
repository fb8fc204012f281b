import { AsyncLocalStorage } from 'node:async_hooks';

import type { SpanContext } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

import { app } from './attributes';
import { telemetryApi } from './telemetry-api';

export interface CorrelationOptions {
  /**
   * The invocation's W3C traceparent (`context.traceContext?.traceParent`). When valid, the spans of
   * the invocation join the Functions host's trace, so Application Insights shows them under the
   * host's request (same operation id).
   */
  readonly traceParent?: string | null | undefined;
}

// Created on first use, and used whether or not telemetry runs: the process-level handlers name the
// invocation an unhandled rejection came from (shared/hosting/process-handlers.ts).
let storage: AsyncLocalStorage<string> | undefined;

/**
 * Runs one invocation with its correlation id in scope (`currentCorrelationId()`), so that every span
 * started inside it carries `app.correlation_id` and a failure nobody awaited can still be traced to it.
 *
 * @example
 * return runWithCorrelation(correlationId, () => spec.handle(request, scope), {
 *   traceParent: context.traceContext?.traceParent,
 * });
 */
export function runWithCorrelation<T>(
  correlationId: string,
  handler: () => T,
  options: CorrelationOptions = {},
): T {
  const store = (storage ??= new AsyncLocalStorage<string>());
  const run = () => store.run(correlationId, handler);
  const api = telemetryApi();
  if (api === undefined) return run();
  const parent = parseTraceParent(options.traceParent);
  if (parent === undefined) return run();
  return api.context.with(api.trace.setSpanContext(api.context.active(), parent), run);
}

/**
 * The same items, each step run in the context of the invocation that called this. A streamed HTTP
 * body is pulled by the Functions library after the handler has returned, outside the invocation's
 * context: without this, spans started while streaming (later tool rounds, history writes) would lose
 * the correlation id and the host's trace. Call it inside the handler, where the body is built.
 *
 * @example
 * const iterator = bindToInvocation(frames)[Symbol.asyncIterator]();
 */
export function bindToInvocation<T>(items: AsyncIterable<T>): AsyncIterable<T> {
  const api = telemetryApi();
  const correlationId = currentCorrelationId();
  if (correlationId === undefined && api === undefined) return items;
  const captured = api?.context.active();
  const inCorrelation = <R>(step: () => R): R =>
    storage === undefined || correlationId === undefined ? step() : storage.run(correlationId, step);
  const inInvocation = <R>(step: () => R): R =>
    api === undefined || captured === undefined
      ? inCorrelation(step)
      : api.context.with(captured, () => inCorrelation(step));
  return {
    [Symbol.asyncIterator]: () => {
      const iterator = inInvocation(() => items[Symbol.asyncIterator]());
      return {
        next: () => inInvocation(() => iterator.next()),
        return: (value?: unknown) =>
          inInvocation(
            () => iterator.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }),
          ),
      };
    },
  };
}

/** The correlation id of the invocation running now, if any. */
export function currentCorrelationId(): string | undefined {
  return storage?.getStore();
}

/** Stamps the current correlation id on every span as it starts (so child SDK spans carry it too). */
export function createCorrelationSpanProcessor(): SpanProcessor {
  return {
    onStart: (span) => {
      const correlationId = currentCorrelationId();
      if (correlationId !== undefined) span.setAttribute(app.correlationId, correlationId);
    },
    onEnd: () => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

/** The part of an OpenTelemetry SDK log record this processor touches. */
interface WritableLogRecord {
  setAttribute(key: string, value: string): unknown;
}

/**
 * The same for log records emitted through the OpenTelemetry logs API (the Azure Monitor distro's
 * log pipeline). Structurally a `LogRecordProcessor` of @opentelemetry/sdk-logs.
 */
export function createCorrelationLogRecordProcessor(): {
  onEmit(record: WritableLogRecord): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
} {
  return {
    onEmit: (record) => {
      const correlationId = currentCorrelationId();
      if (correlationId !== undefined) record.setAttribute(app.correlationId, correlationId);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

const TRACE_PARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZEROS = /^0+$/;

/** A W3C traceparent header as a remote span context; undefined when absent or malformed. */
export function parseTraceParent(value: string | null | undefined): SpanContext | undefined {
  const match = TRACE_PARENT.exec(value?.trim() ?? '');
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === undefined || traceId === undefined || spanId === undefined || flags === undefined)
    return undefined;
  // Version ff is forbidden; version 00 has exactly four fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 0x01, isRemote: true };
}
