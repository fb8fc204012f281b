import type { Attributes, Span, Tracer } from '@opentelemetry/api';

import { appInfo } from '../app-info';
import { AppError } from '../errors';
import { app, ERROR_TYPE } from './attributes';
import type { OpenTelemetryApi } from './telemetry-api';

export function tracer(api: OpenTelemetryApi): Tracer {
  // Looked up per call: the global provider may be replaced (tests), and the SDK caches tracers.
  return api.trace.getTracer(appInfo.service, appInfo.version);
}

/**
 * What a span may say about a failure: the error's code or class, never its message (upstream
 * messages can echo prompts, URLs or keys).
 */
export function errorAttributes(error: unknown): Attributes {
  if (error instanceof AppError) return { [ERROR_TYPE]: error.code, [app.errorStatus]: error.status };
  if (error instanceof Error) return { [ERROR_TYPE]: error.name };
  return { [ERROR_TYPE]: '_OTHER' };
}

export function markFailed(api: OpenTelemetryApi, span: Span, attributes: Attributes): void {
  span.setAttributes(attributes);
  const type = attributes[ERROR_TYPE];
  span.setStatus({
    code: api.SpanStatusCode.ERROR,
    ...(typeof type === 'string' ? { message: type } : {}),
  });
}

/**
 * Runs `work` in an active CLIENT span (so spans the SDKs start inside are its children); a thrown
 * error marks the span failed with `describeError`'s attributes and is rethrown.
 */
export function inClientSpan<T>(
  api: OpenTelemetryApi,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  describeError: (error: unknown) => Attributes = errorAttributes,
): Promise<T> {
  return tracer(api).startActiveSpan(
    name,
    { kind: api.SpanKind.CLIENT, attributes },
    async (span): Promise<T> => {
      try {
        return await work(span);
      } catch (error) {
        markFailed(api, span, describeError(error));
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
