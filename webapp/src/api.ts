import { z } from 'zod';

import { accessToken } from './auth';
import { config } from './config';

const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  correlationId: z.string().optional(),
});

/** A failed API call as the user sees it: the message, the code, the correlation id, when to retry. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly correlationId: string | undefined,
    /** From Retry-After: the API says trying again later may work. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The correlation id of the last response this page received (for errors reported mid-stream). */
let lastCorrelationId: string | undefined;
export const lastRequestId = (): string | undefined => lastCorrelationId;

export const apiUrl = (path: string): string => `${config.apiBaseUrl}${path}`;

function retryAfterOf(headers: Headers): number | undefined {
  const value = Number(headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

async function toApiError(response: Response): Promise<ApiError> {
  const correlationId = response.headers.get('x-request-id') ?? undefined;
  const retryAfter = retryAfterOf(response.headers);
  const text = await response.text().catch(() => '');
  let parsed: z.infer<typeof errorBodySchema> | undefined;
  try {
    const result = errorBodySchema.safeParse(JSON.parse(text));
    parsed = result.success ? result.data : undefined;
  } catch {
    parsed = undefined;
  }
  return new ApiError(
    parsed?.error.message ?? `The API answered ${response.status}`,
    response.status,
    parsed?.error.code ?? 'http_error',
    parsed?.correlationId ?? correlationId,
    retryAfter,
  );
}

/**
 * fetch for the API: the base URL, the bearer token when signed in, and a non-2xx answer thrown as an
 * ApiError. Nothing is retried here: the user decides, told when the API says it may pass.
 */
export async function apiFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const token = await accessToken();
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(input.startsWith('/') ? apiUrl(input) : input, { ...init, headers });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      'The API could not be reached; check your connection',
      0,
      'network_error',
      undefined,
      undefined,
    );
  }
  lastCorrelationId = response.headers.get('x-request-id') ?? undefined;
  if (!response.ok) throw await toApiError(response);
  return response;
}

/** GET or send JSON, parsed with the schema of what the API answers. */
export async function apiJson<S extends z.ZodType>(
  path: string,
  schema: S,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<z.output<S>> {
  const response = await apiFetch(path, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (response.status === 204) return schema.parse(undefined);
  return schema.parse(await response.json());
}
