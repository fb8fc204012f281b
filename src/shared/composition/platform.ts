import type { InvocationContext } from '@azure/functions';

import type { AppConfig } from '../config/settings';
import { bearerTokenProvider, lazyCredential } from '../identity/azure-credential';
import { consoleSink, createLogger, type Logger, type LogSink } from '../logging/logger';
import { createRedactor, type Redact } from '../logging/redactor';
import { startTelemetry } from '../telemetry/telemetry';

/** What every other part is built on: the settings, one credential, logging and telemetry. */
export interface Platform {
  readonly config: AppConfig;
  readonly redact: Redact;
  readonly credential: ReturnType<typeof lazyCredential>;
  readonly getToken: (scope: string) => Promise<string>;
  /** A logger writing through the invocation context (so it reaches Application Insights), or the console. */
  readonly logger: (context?: InvocationContext) => Logger;
}

/**
 * Starts telemetry first (loading the Azure Monitor distro when a connection string is set), so that every
 * SDK loaded and every client created after it is instrumented.
 */
export async function createPlatform(config: AppConfig): Promise<Platform> {
  const redact = createRedactor(config);
  const credential = lazyCredential(config);
  const telemetry = await startTelemetry(config, credential);
  const logger = (context?: InvocationContext): Logger =>
    createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, redact, sink: contextSink(context) });
  for (const warning of telemetry.warnings) logger().warn(warning);
  return { config, redact, credential, getToken: bearerTokenProvider(credential), logger };
}

function contextSink(context: InvocationContext | undefined): LogSink {
  if (context === undefined) return consoleSink;
  return (level, line) => {
    if (level === 'error') context.error(line);
    else if (level === 'warn') context.warn(line);
    else if (level === 'debug') context.debug(line);
    else context.info(line);
  };
}
