// Longer than 200 lines because it is the one error tree: every class, and the rules read from it
// (retryable, a dependency down), in one place.
import type * as z from 'zod';

/**
 * The one error tree. Services throw these; `toErrorResponse` (shared/http) maps them to HTTP, and the
 * queue-function wrapper reads `retryable` to retry a delivery or poison it at once.
 * Anything else is an unknown error: logged with the correlation id, answered as a masked 500.
 */
export interface ErrorDetail {
  readonly path?: string;
  readonly message: string;
  readonly code?: string;
}

export class AppError extends Error {
  /**
   * Whether the same work may succeed if tried again: decided here, where the error is made (a timeout,
   * a rate limit, a dependency down: yes; a bad input, a conflict, a missing resource: never).
   */
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly ErrorDetail[],
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
    retryable: boolean = status === 408 || status === 429 || status >= 500,
  ) {
    super(message);
    this.name = new.target.name;
    this.retryable = retryable;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: readonly ErrorDetail[], code = 'validation_error') {
    super(400, code, message, details);
  }
}

/** The model's answer was stopped by the Azure OpenAI output content filter: not a normal answer. */
export class ContentFilteredError extends AppError {
  constructor(readonly category: string | undefined) {
    const named = category === undefined ? '' : ` (category: ${category})`;
    super(
      400,
      'content_filtered',
      `The answer was stopped by the Azure OpenAI content filter${named}`,
      category === undefined ? undefined : [{ path: 'output', code: category, message: 'filtered' }],
    );
  }
}

/** Why a caller was refused, for the caller to act on (never the token or the principal itself). */
export interface RefusalReason {
  /** A stable code, e.g. `token_expired`, `missing_scope`. */
  readonly code: string;
  /** Extra response headers: `WWW-Authenticate` for bearer tokens (RFC 6750). */
  readonly headers?: Readonly<Record<string, string>>;
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication is required', reason?: RefusalReason) {
    super(
      401,
      'unauthorized',
      message,
      reason === undefined ? undefined : [{ code: reason.code, message }],
      reason?.headers,
    );
  }
}

/** A known caller who may not do this: a missing scope or role, or a route for admins. */
export class ForbiddenError extends AppError {
  constructor(message: string, reason: RefusalReason) {
    super(403, 'forbidden', message, [{ code: reason.code, message }], reason.headers);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', code = 'not_found') {
    super(404, code, message);
  }
}

export class MethodNotAllowedError extends AppError {
  constructor(method: string, allowed: readonly string[]) {
    super(
      405,
      'method_not_allowed',
      `Method ${method} is not allowed here; use ${allowed.join(', ')}`,
      undefined,
      {
        Allow: allowed.join(', '),
      },
    );
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than the limit of ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string) {
    super(415, 'unsupported_media_type', `The request body must be ${expected}`);
  }
}

/**
 * A per-user quota is used up (`QUOTA_*`). The detail names the quota; Retry-After says when its window
 * resets. Worth retrying only when that is soon (a queued job then waits on the queue's redelivery);
 * a day's quota is not.
 */
export class QuotaExceededError extends AppError {
  constructor(
    readonly quota: string,
    message: string,
    retryAfterSeconds: number,
  ) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      429,
      'quota_exceeded',
      message,
      [{ code: quota, message }],
      { 'Retry-After': String(seconds) },
      seconds <= 60,
    );
  }
}

/** A dependency (model, Cosmos, scoring, storage) failed or is misconfigured. */
export class UpstreamError extends AppError {
  /** How long the dependency asked us to wait, precisely (Retry-After carries whole seconds). */
  readonly retryAfterMs: number | undefined;

  constructor(status: 502 | 503 | 504, code: string, message: string, retryAfterSeconds?: number) {
    super(
      status,
      code,
      message,
      undefined,
      retryAfterSeconds === undefined
        ? {}
        : { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    );
    this.retryAfterMs = retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000;
  }
}

/** Settings missing or invalid at start. Its message lists every bad setting; it carries no stack worth showing. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Whether a failure may pass on another try. An error of the tree says so itself; anything else is a
 * failure nobody classified (a network error, a bug), which the queue's bounded redelivery may as well try.
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof AppError ? error.retryable : true;
}

/**
 * Whether a failure means a dependency (Cosmos DB, the storage queues, the model) is down or busy right
 * now, as opposed to something wrong with the work itself. The one place this is decided: the adapters
 * turn outages into a 503 or 504 UpstreamError (a connection refused or reset, a timeout, 5xx, throttling,
 * an open circuit), and the queue functions put such work back to wait for the dependency instead of
 * spending its poison budget. A 502 (a credential or deployment the settings got wrong) is not an outage.
 */
export function isDependencyDown(error: unknown): boolean {
  return error instanceof UpstreamError && (error.status === 503 || error.status === 504);
}

/** Normalises anything thrown into an Error, once. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return new Error(`Non-error thrown: ${text}`);
}

/** zod issues as error details: a dotted path and a message, never the rejected value. */
export function toErrorDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}
