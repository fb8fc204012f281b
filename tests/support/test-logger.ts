import { createLogger, type Logger, type LogLevel } from '../../src/shared/logging/logger';

/** A logger that keeps its lines (text format, nothing redacted) for a test to read. */
export function recordingLogger(level: LogLevel = 'debug'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({
    level,
    format: 'text',
    redact: (text) => text,
    sink: (_level, line) => lines.push(line),
  });
  return { log, lines };
}
