import { ensureError } from '../errors';
import type { Logger } from '../logging/logger';
import { currentCorrelationId } from '../telemetry/correlation';

let installed = false;

/**
 * Process-level handlers, installed once at cold start. A promise rejection nobody handled (a bug in one
 * invocation) is logged at error level with the correlation id of the invocation it came from, and the
 * process goes on serving every other invocation: without a listener, Node turns it into an uncaught
 * exception, and the Azure Functions Node.js worker ends the process on every uncaught exception.
 *
 * An uncaught exception is logged the same way, first (the listener is prepended), and the worker's own
 * listener then ends the process, as Node advises: after one, the process state is unknown. This handler
 * never removes the worker's listener, and it does not exit by itself.
 *
 * @example
 * installProcessHandlers(services.logger());
 */
export function installProcessHandlers(log: Logger): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    log.error('unhandled promise rejection; the process goes on', {
      correlationId: currentCorrelationId() ?? null,
      error: ensureError(reason),
    });
  });
  process.prependListener('uncaughtException', (error, origin) => {
    log.error('uncaught exception', {
      correlationId: currentCorrelationId() ?? null,
      origin,
      error: ensureError(error),
    });
  });
}
