import type { Redact } from './redactor';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

/** Where formatted lines go: the invocation context under the Functions host, else the console. */
export type LogSink = (level: LogLevel, line: string) => void;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds these fields to every line (e.g. the correlation id). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'text' | 'json';
  readonly redact: Redact;
  readonly sink: LogSink;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const consoleSink: LogSink = (level, line) => {
  const write = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
  write.write(`${line}\n`);
};

/**
 * A structured logger that never prints a secret.
 *
 * @example
 * const log = createLogger({ level: 'info', format: 'json', redact, sink: consoleSink });
 * log.child({ correlationId }).info('request', { status: 200 });
 */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const write = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (RANK[level] < RANK[options.level]) return;
    const all = { ...bound, ...fields };
    const line =
      options.format === 'json'
        ? JSON.stringify({ time: new Date().toISOString(), level, message, ...all }, errorReplacer)
        : [
            level.toUpperCase(),
            message,
            ...Object.entries(all).map(([key, value]) => `${key}=${toText(value)}`),
          ].join(' ');
    options.sink(level, options.redact(line));
  };
  return {
    debug: (message, fields) => {
      write('debug', message, fields);
    },
    info: (message, fields) => {
      write('info', message, fields);
    },
    warn: (message, fields) => {
      write('warn', message, fields);
    },
    error: (message, fields) => {
      write('error', message, fields);
    },
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

function toText(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  // JSON.stringify gives undefined (despite its declared type) for these.
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'undefined';
  return JSON.stringify(value, errorReplacer);
}
