// The decorators and `runWithCorrelation` reach @opentelemetry/api only through `telemetryApi()`, which
// is undefined until telemetry starts. Loading the API costs ~45 files and 15-30 ms; without a
// connection string the app loads none of it, and each decorated call costs one extra function call.

export type OpenTelemetryApi = typeof import('@opentelemetry/api');

let api: OpenTelemetryApi | undefined;

/** Called by `startTelemetry` once a tracer provider is registered: from now on, calls are traced. */
export async function activateTelemetryApi(): Promise<OpenTelemetryApi> {
  api ??= (await import('../sdk/opentelemetry-api.js')).opentelemetryApi;
  return api;
}

/** Called when telemetry shuts down: calls go straight through again. */
export function deactivateTelemetryApi(): void {
  api = undefined;
}

/** The OpenTelemetry API while telemetry runs; undefined when nothing is exported. */
export function telemetryApi(): OpenTelemetryApi | undefined {
  return api;
}
