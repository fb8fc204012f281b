import { AppError, UpstreamError } from '../errors';
import { loadedOpenAI } from '../lazy-modules';
import type { CallVerdict } from './circuit-breaker';
import { RetryBudgetExceededError, type RetryVerdict } from './retry-policy';

const RETRYABLE = new Set([408, 409, 429]);

interface ApiErrorFields {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly headers: Headers | undefined;
  /** Azure's text: matched against known phrasings, never repeated to a caller. */
  readonly message: string;
}

/** The fields of an `openai` APIError this app relies on, read defensively; undefined for other errors. */
function apiErrorFields(error: unknown): ApiErrorFields | undefined {
  const openai = loadedOpenAI();
  if (openai === undefined || !(error instanceof openai.APIError)) return undefined;
  const fields: { status?: unknown; code?: unknown; headers?: unknown; error?: unknown } = error;
  const body: unknown = fields.error;
  const message =
    typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string'
      ? body.message
      : '';
  return {
    status: typeof fields.status === 'number' ? fields.status : undefined,
    code: typeof fields.code === 'string' ? fields.code : undefined,
    headers: fields.headers instanceof Headers ? fields.headers : undefined,
    message,
  };
}

/** Which model failures are worth another attempt, and after how long the upstream asked us to wait. */
export function classifyModelError(error: unknown): RetryVerdict {
  const openai = loadedOpenAI();
  if (openai === undefined) return { retry: false }; // not an openai error: the client that throws those loads it
  if (error instanceof openai.APIUserAbortError) return { retry: false };
  // A timeout already used a whole AZURE_OPENAI_TIMEOUT_MS: retrying it would multiply the caller's wait.
  if (error instanceof openai.APIConnectionTimeoutError) return { retry: false };
  if (error instanceof openai.APIConnectionError) return { retry: true };
  const fields = apiErrorFields(error);
  if (fields?.status === undefined) return { retry: false };
  const shouldRetry = fields.headers?.get('x-should-retry');
  if (shouldRetry === 'false') return { retry: false };
  if (shouldRetry !== 'true' && !RETRYABLE.has(fields.status) && fields.status < 500) return { retry: false };
  const retryAfterMs = retryAfterFrom(fields.headers);
  return retryAfterMs === undefined ? { retry: true } : { retry: true, retryAfterMs };
}

/**
 * What a call's failure says to the deployment's circuit breaker: a connection error, a timeout or a 5xx
 * counts as the deployment being down; any other answer (a 429, a 400) proves it is up; an abort says nothing.
 */
export function circuitVerdict(error: unknown): CallVerdict {
  const openai = loadedOpenAI();
  // Not an openai error: the client that throws those loads it.
  if (openai === undefined) return 'neutral';
  if (error instanceof openai.APIUserAbortError) return 'neutral';
  if (error instanceof openai.APIConnectionError) return 'failure';
  const status = apiErrorFields(error)?.status;
  if (status === undefined) return 'neutral';
  return status >= 500 ? 'failure' : 'success';
}

/** `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
export function retryAfterFrom(headers: Headers | undefined): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get('retry-after');
  if (value === undefined || value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * The one place a model failure becomes a caller-facing error. Messages name the setting to check and
 * never carry a key; unknown failures are returned as they are, for the masked 500.
 */
export function toModelAppError(error: unknown, deployment: string): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof RetryBudgetExceededError) {
    const retryAfterSeconds = error.retryAfterMs / 1000;
    // 503 either way: the caller did nothing wrong, the service is busy; Retry-After says when to come back.
    if (apiErrorFields(error.lastError)?.status === 429) {
      return new UpstreamError(
        503,
        'model_busy',
        `The model deployment '${deployment}' is at its rate limit; retry after ${Math.ceil(retryAfterSeconds)} s`,
        retryAfterSeconds,
      );
    }
    return new UpstreamError(
      503,
      'model_unavailable',
      `Azure OpenAI is unavailable after ${error.attempts} attempt(s); retry later`,
      retryAfterSeconds,
    );
  }
  const openai = loadedOpenAI();
  if (openai !== undefined && error instanceof openai.APIUserAbortError) return error;
  if (openai !== undefined && error instanceof openai.APIConnectionTimeoutError) {
    return new UpstreamError(
      504,
      'model_timeout',
      'Azure OpenAI did not answer in time (AZURE_OPENAI_TIMEOUT_MS)',
    );
  }
  if (openai !== undefined && error instanceof openai.APIConnectionError) {
    return new UpstreamError(
      503,
      'model_unreachable',
      'Azure OpenAI could not be reached; check AZURE_OPENAI_ENDPOINT',
      5,
    );
  }
  const fields = apiErrorFields(error);
  if (fields !== undefined) return fromStatus(fields, deployment);
  if (error instanceof Error && /Credential|Authentication/.test(error.name + error.message)) {
    return new UpstreamError(
      503,
      'model_credential_unavailable',
      'No Microsoft Entra credential is available for Azure OpenAI: set AZURE_OPENAI_API_KEY, or sign in (az login) / use a managed identity',
    );
  }
  return error;
}

/** The output content filter ended an answer: not passed off as a normal one. */
function fromStatus({ status, code, message }: ApiErrorFields, deployment: string): AppError {
  if (status === 400 && /enabled only for api versions/i.test(message)) {
    return new UpstreamError(
      502,
      'model_api_version_unsupported',
      `Deployment '${deployment}' needs a newer api-version than AZURE_OPENAI_API_VERSION: unset it to use the v1 API, or set 2025-04-01-preview or later`,
    );
  }
  if (status === 400 && code === 'content_filter') {
    return new AppError(400, 'content_filter', 'The request was blocked by the Azure OpenAI content filter');
  }
  if (status === 400 && code === 'context_length_exceeded') {
    return new AppError(400, 'context_length_exceeded', 'The conversation is longer than the model accepts');
  }
  if (status === 401) {
    return new UpstreamError(
      502,
      'model_auth_failed',
      'Azure OpenAI rejected the credentials; check AZURE_OPENAI_API_KEY, or unset it to use Microsoft Entra ID',
    );
  }
  if (status === 403) {
    return new UpstreamError(
      502,
      'model_forbidden',
      "Azure OpenAI refused access; grant the app's identity the 'Cognitive Services OpenAI User' role on the resource at AZURE_OPENAI_ENDPOINT",
    );
  }
  if (status === 404) {
    return new UpstreamError(
      502,
      'model_deployment_not_found',
      `Deployment '${deployment}' was not found; check AZURE_OPENAI_DEPLOYMENT, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_VERSION`,
    );
  }
  // The upstream's own code is untrusted text: an answer never repeats it (it could carry a secret).
  return new UpstreamError(502, 'model_error', `Azure OpenAI answered ${status ?? 'an error'}`);
}
