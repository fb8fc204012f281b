/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-return -- test seam: the SDK loads only when a test asks for it */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

import { createCorrelationSpanProcessor } from './correlation';
import type { Telemetry } from './telemetry';
import { activateTelemetryApi, deactivateTelemetryApi } from './telemetry-api';

const loadTraceSdk = (): typeof import('@opentelemetry/sdk-trace-base') =>
  require('@opentelemetry/sdk-trace-base');
const loadContextManager = (): typeof import('@opentelemetry/context-async-hooks') =>
  require('@opentelemetry/context-async-hooks');

/**
 * Installs a tracer provider that hands every finished span to `exporter` at once (with the same
 * correlation processor as production), so tests can read spans without Application Insights.
 *
 * @example
 * const exporter = new InMemorySpanExporter();
 * const telemetry = await startTelemetryForTests(exporter);
 * // ... exercise instrumented code, then exporter.getFinishedSpans()
 * await telemetry.shutdown();
 */
export async function startTelemetryForTests(exporter: SpanExporter): Promise<Telemetry> {
  const api = await activateTelemetryApi();
  const { BasicTracerProvider, SimpleSpanProcessor } = loadTraceSdk();
  const { AsyncLocalStorageContextManager } = loadContextManager();
  // Replaces whatever an earlier test registered.
  api.trace.disable();
  api.context.disable();
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({
    spanProcessors: [createCorrelationSpanProcessor(), new SimpleSpanProcessor(exporter)],
  });
  api.trace.setGlobalTracerProvider(provider);
  return {
    exporter: 'in-memory',
    authentication: 'none',
    warnings: [],
    shutdown: async () => {
      await provider.shutdown();
      api.trace.disable();
      api.context.disable();
      deactivateTelemetryApi();
    },
  };
}
