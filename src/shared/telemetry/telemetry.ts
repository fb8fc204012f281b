import type { TokenCredential } from '@azure/core-auth';

import type { AppConfig } from '../config/settings';
import { ensureError } from '../errors';
import { createCorrelationLogRecordProcessor, createCorrelationSpanProcessor } from './correlation';
import { activateTelemetryApi, deactivateTelemetryApi } from './telemetry-api';

/** The two functions of @azure/monitor-opentelemetry this app calls. */
export type AzureMonitorDistro = Pick<
  typeof import('@azure/monitor-opentelemetry'),
  'useAzureMonitor' | 'shutdownAzureMonitor'
>;

// The distro takes most of a second to load: only a process that exports pays, on first invocation.
const loadAzureMonitor = (): Promise<AzureMonitorDistro> =>
  import('./azure-monitor.js').then((module) => module.azureMonitor);

export type TelemetryConfig = Pick<
  AppConfig,
  | 'APPLICATIONINSIGHTS_CONNECTION_STRING'
  | 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
  | 'AZURE_CLIENT_ID'
  | 'WEBSITE_SITE_NAME'
>;

export interface Telemetry {
  /** Where spans go: Application Insights, an in-memory exporter (tests), or nowhere. */
  readonly exporter: 'azure-monitor' | 'in-memory' | 'off';
  /** How the exporter authenticates to Application Insights. */
  readonly authentication: 'entra' | 'instrumentation-key' | 'none';
  /** Configuration problems worth a warning at start (no secrets). */
  readonly warnings: readonly string[];
  /**
   * Flushes buffered telemetry and stops exporting; decorated calls go straight through again. Never
   * rejects: telemetry that cannot be sent at shutdown is dropped rather than failing the app.
   */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  /** The Azure Monitor distro (default: @azure/monitor-opentelemetry, loaded on demand). */
  readonly azureMonitor?: () => AzureMonitorDistro | Promise<AzureMonitorDistro>;
}

const off: Telemetry = {
  exporter: 'off',
  authentication: 'none',
  warnings: [],
  shutdown: () => Promise.resolve(),
};

let running: Promise<Telemetry> | undefined;

/**
 * Starts exporting traces, metrics and logs to Application Insights when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set; otherwise does nothing and loads nothing. The composition
 * root calls it once, before it builds any adapter (on the first invocation: registration never waits for
 * the distro); later calls return the running telemetry.
 *
 * Authentication follows APPLICATIONINSIGHTS_AUTHENTICATION_STRING, the setting the Functions host
 * reads for its own telemetry: `Authorization=AAD` sends Microsoft Entra tokens from `credential`
 * (resolved on the first export), anything else sends the connection string's key alone.
 *
 * @example
 * const telemetry = await startTelemetry(config, lazyCredential(config));
 * for (const warning of telemetry.warnings) log.warn(warning);
 */
export function startTelemetry(
  config: TelemetryConfig,
  credential: () => Promise<TokenCredential>,
  options: TelemetryOptions = {},
): Promise<Telemetry> {
  if (running !== undefined) return running;
  const connectionString = config.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (connectionString === undefined || connectionString === '') return Promise.resolve(off);
  // Telemetry that cannot start must not fail the invocations: the app runs without it, and says why.
  running = start(config, connectionString, credential, options).catch((error: unknown): Telemetry => ({
    ...off,
    warnings: [`telemetry could not start (${ensureError(error).message}); the app runs without it`],
    shutdown: () => {
      running = undefined;
      return Promise.resolve();
    },
  }));
  return running;
}

async function start(
  config: TelemetryConfig,
  connectionString: string,
  credential: () => Promise<TokenCredential>,
  options: TelemetryOptions,
): Promise<Telemetry> {
  const authentication = parseAuthenticationString(config.APPLICATIONINSIGHTS_AUTHENTICATION_STRING);
  const distro = await (options.azureMonitor ?? loadAzureMonitor)();
  try {
    startDistro(distro, connectionString, authentication.entra ? credential : undefined);
    await activateTelemetryApi();
  } catch (error) {
    // Started but not usable (the API failed to load): stop it, so a later start does not run it twice.
    deactivateTelemetryApi();
    await distro.shutdownAzureMonitor().catch(() => undefined);
    throw error;
  }
  return {
    exporter: 'azure-monitor',
    authentication: authentication.entra ? 'entra' : 'instrumentation-key',
    warnings: authenticationWarnings(config, authentication),
    shutdown: async () => {
      deactivateTelemetryApi();
      running = undefined;
      await distro.shutdownAzureMonitor().catch(() => undefined);
    },
  };
}

function startDistro(
  distro: AzureMonitorDistro,
  connectionString: string,
  credential: (() => Promise<TokenCredential>) | undefined,
): void {
  distro.useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString,
      ...(credential === undefined ? {} : { credential: deferredCredential(credential) }),
    },
    // Every span is kept (the distro's default keeps 5 traces a second): one span per model call is the
    // point. OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, read by the distro, override this.
    samplingRatio: 1,
    tracesPerSecond: 0,
    instrumentationOptions: {
      // The worker's only incoming HTTP is the host's stream proxy (the host already records each
      // request), and the model and scoring clients use fetch, which this instrumentation does not see.
      http: { enabled: false },
      azureSdk: { enabled: true },
    },
    spanProcessors: [createCorrelationSpanProcessor()],
    logRecordProcessors: [createCorrelationLogRecordProcessor()],
  });
}

export interface AuthenticationSetting {
  /** The string asks for Microsoft Entra authentication (`Authorization=AAD`). */
  readonly entra: boolean;
  readonly clientId?: string;
  /** The string is set but says something this parser does not understand. */
  readonly unrecognised: boolean;
}

/** Parses APPLICATIONINSIGHTS_AUTHENTICATION_STRING, e.g. `Authorization=AAD;ClientId=<client id>`. */
export function parseAuthenticationString(value: string | undefined): AuthenticationSetting {
  if (value === undefined || value.trim() === '') return { entra: false, unrecognised: false };
  const pairs = new Map<string, string>();
  for (const part of value.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0)
      pairs.set(part.slice(0, separator).trim().toLowerCase(), part.slice(separator + 1).trim());
  }
  const entra = pairs.get('authorization')?.toUpperCase() === 'AAD';
  const clientId = pairs.get('clientid');
  return { entra, ...(clientId === undefined || clientId === '' ? {} : { clientId }), unrecognised: !entra };
}

function authenticationWarnings(config: TelemetryConfig, authentication: AuthenticationSetting): string[] {
  const warnings: string[] = [];
  if (authentication.unrecognised)
    warnings.push(
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING is not Authorization=AAD; sending the key alone',
    );
  const { clientId } = authentication;
  if (authentication.entra && clientId !== undefined && clientId !== config.AZURE_CLIENT_ID)
    warnings.push(
      `APPLICATIONINSIGHTS_AUTHENTICATION_STRING names client id ${clientId}, but telemetry ` +
        `authenticates as AZURE_CLIENT_ID (${config.AZURE_CLIENT_ID ?? 'unset: system-assigned identity'})`,
    );
  if (!authentication.entra && config.WEBSITE_SITE_NAME !== undefined)
    warnings.push(
      'Running in Azure without APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD: an Application ' +
        'Insights resource with local authentication disabled rejects this telemetry',
    );
  return warnings;
}

/** A TokenCredential that resolves the app's lazy credential on the first token request. */
export function deferredCredential(credential: () => Promise<TokenCredential>): TokenCredential {
  return {
    getToken: async (scopes, options) => (await credential()).getToken(scopes, options),
  };
}
