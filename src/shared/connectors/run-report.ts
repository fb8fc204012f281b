import type { SandboxOutcome } from './connector-sandbox';

/** The answer of POST /api/connectors/execute. */
export interface ConnectorRunReport {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly durationMs: number;
  readonly timedOut: boolean;
}

const MASK = '[redacted]';
/** Shorter values cannot be told apart from ordinary output (a "1" would mask every digit one). */
export const MIN_REDACTED_CHARS = 4;
const MAX_ERROR_CHARS = 2_000;

/**
 * Masks every env value (and its JSON-escaped form) in a text. When the text was cut short, a trailing
 * start of a value is cut too, so no prefix of a secret survives the truncation.
 */
export function redactValues(text: string, values: readonly string[], truncated = false): string {
  const secrets = [...new Set(values.filter((value) => value.length >= MIN_REDACTED_CHARS))];
  const forms = [...new Set(secrets.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]))].sort(
    (a, b) => b.length - a.length,
  );
  let out = text;
  for (const form of forms) out = out.split(form).join(MASK);
  if (truncated) {
    for (const form of forms) {
      for (let length = Math.min(form.length - 1, out.length); length > 0; length -= 1) {
        if (out.endsWith(form.slice(0, length))) {
          out = out.slice(0, out.length - length);
          break;
        }
      }
    }
  }
  return out;
}

const MEMORY_SIGNS =
  /MemoryError|heap out of memory|Array buffer allocation failed|Cannot allocate memory|ENOMEM|std::bad_alloc/;

/** The last non-blank line of stdout as `{"ok": ..., "result": ..., "error": ...}`, when it is one. */
function lastLinePayload(stdout: string): { ok?: unknown; result?: unknown; error?: unknown } | undefined {
  const lines = stdout.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function asText(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}...` : text;
}

/**
 * Turns what the sandbox saw into the answer: env values masked everywhere, and the connector's result
 * read from the last line of its stdout. `ok` is true only when the code said so and exited 0.
 */
export function toRunReport(
  outcome: SandboxOutcome,
  run: {
    readonly env: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
    readonly memoryMb: number;
    readonly maxOutputBytes: number;
  },
): ConnectorRunReport {
  const secrets = Object.values(run.env);
  const stdout = redactValues(outcome.stdout, secrets, outcome.outputExceeded === 'stdout');
  const stderr = redactValues(outcome.stderr, secrets, outcome.outputExceeded === 'stderr');
  const base = {
    stdout,
    stderr,
    exitCode: outcome.exitCode,
    durationMs: outcome.durationMs,
    timedOut: outcome.timedOut,
  };
  const failed = (error: string): ConnectorRunReport => ({
    ok: false,
    error: redactValues(error, secrets),
    ...base,
  });

  if (outcome.install !== undefined && !outcome.install.ok) {
    return failed(`The dependencies could not be installed: ${outcome.install.message}`);
  }
  if (outcome.timedOut) return failed(`The connector ran longer than ${run.timeoutMs} ms and was stopped`);
  if (outcome.outputExceeded !== undefined) {
    return failed(
      `The connector wrote more than ${run.maxOutputBytes} bytes to ${outcome.outputExceeded} and was stopped; its output is cut at that limit`,
    );
  }
  const payload = lastLinePayload(stdout);
  if (outcome.exitCode !== 0) {
    const outOfMemory = MEMORY_SIGNS.test(outcome.stderr) || outcome.signal === 'SIGKILL';
    const reason = outOfMemory
      ? `The connector ran out of memory (memoryMb ${run.memoryMb}) and was stopped`
      : outcome.exitCode !== null
        ? `The connector exited with code ${outcome.exitCode}`
        : outcome.signal === undefined || outcome.signal === null
          ? 'The connector could not be started (stderr says why)'
          : `The connector was stopped by ${outcome.signal}`;
    return failed(payload?.error === undefined ? reason : `${reason}: ${asText(payload.error)}`);
  }
  if (payload === undefined || typeof payload.ok !== 'boolean') {
    return failed(
      'The last line of the connector\'s stdout is not a JSON object like {"ok": true, "result": ...}',
    );
  }
  return {
    ok: payload.ok,
    ...(Object.hasOwn(payload, 'result') ? { result: payload.result } : {}),
    ...(payload.ok
      ? {}
      : { error: payload.error === undefined ? 'The connector reported ok: false' : asText(payload.error) }),
    ...base,
  };
}
