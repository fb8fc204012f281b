import { z } from 'zod';

import { CliError } from './cli-error';

const submittedSchema = z.object({ jobId: z.string(), status: z.string(), total: z.number().int() });

const jobStatusSchema = z.object({
  jobId: z.string(),
  name: z.string().nullable(),
  status: z.enum(['queued', 'running', 'completed', 'completed_with_errors']),
  total: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type JobStatus = z.infer<typeof jobStatusSchema>;

const resultItemSchema = z.object({
  index: z.number().int().nonnegative(),
  input: z.unknown(),
  output: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
});
export type ResultItem = z.infer<typeof resultItemSchema>;

const resultsPageSchema = z.object({
  items: z.array(resultItemSchema),
  continuationToken: z.string().optional(),
});

const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  correlationId: z.string().optional(),
});

const PAGE_SIZE = 100;

export interface SubmitRequest {
  readonly items: readonly unknown[];
  readonly schema: Record<string, unknown>;
  readonly instructions?: string | undefined;
  readonly name?: string | undefined;
}

export interface ApiClientOptions {
  /** The app's base URL, e.g. http://localhost:7071 (the API is under /api). */
  readonly url: string;
  /** Sent as `Authorization: Bearer` (a deployed app with AUTH_MODE=jwt). */
  readonly token?: string | undefined;
  readonly timeoutMs: number;
}

/**
 * The batch API over fetch. Every answer is checked with zod; every failure is a CliError that says what
 * to do: the server's code, message and correlation id, "cannot reach", or a timeout.
 *
 * @example
 * const api = createApiClient({ url: 'http://localhost:7071', timeoutMs: 30_000 });
 * const { jobId } = await api.submit({ items: ['Apple Inc.'], schema }, 'my-key');
 */
export function createApiClient(options: ApiClientOptions) {
  const base = toBaseUrl(options.url);

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<T> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: init.signal === undefined ? timeout : AbortSignal.any([timeout, init.signal]),
      });
      text = await response.text();
    } catch (error) {
      if (init.signal?.aborted === true) throw error;
      if (timeout.aborted) {
        throw new CliError(
          `no answer from ${base} within ${options.timeoutMs / 1000} s (${method} ${path}); raise --timeout if the server is busy`,
          true,
        );
      }
      throw new CliError(`cannot reach ${base}${reasonOf(error)}: ${hintFor(base)}`, true);
    }
    if (!response.ok) throw toApiError(response, text, `${method} ${path}`);
    const parsed = schema.safeParse(parseBody(text));
    if (!parsed.success) {
      throw new CliError(
        `unexpected answer from ${method} ${base}${path} (HTTP ${response.status}): ${z.prettifyError(parsed.error)}\n` +
          '  is --url the batch API of this app?',
      );
    }
    return parsed.data;
  }

  const jobPath = (jobId: string) => `/api/batch-jobs/${encodeURIComponent(jobId)}`;

  return {
    url: base,
    submit: (request: SubmitRequest, idempotencyKey: string) =>
      call('POST', '/api/batch-jobs', submittedSchema, {
        body: request,
        headers: { 'idempotency-key': idempotencyKey },
      }),
    status: (jobId: string, signal?: AbortSignal) =>
      call('GET', jobPath(jobId), jobStatusSchema, signal === undefined ? {} : { signal }),
    /** Every finished item, following continuation tokens, in index order. */
    async results(jobId: string): Promise<ResultItem[]> {
      const items: ResultItem[] = [];
      const seen = new Set<string>();
      let token: string | undefined;
      do {
        const query = new URLSearchParams({ pageSize: String(PAGE_SIZE) });
        if (token !== undefined) query.set('continuationToken', token);
        const page = await call('GET', `${jobPath(jobId)}/results?${query.toString()}`, resultsPageSchema);
        items.push(...page.items);
        token = page.continuationToken;
        if (token !== undefined && seen.has(token)) {
          throw new CliError(`the results of job ${jobId} repeat a continuation token; stopped reading`);
        }
        if (token !== undefined) seen.add(token);
      } while (token !== undefined);
      return items.sort((left, right) => left.index - right.index);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

function toBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--url must be an http(s) URL such as http://localhost:7071, not "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliError(`--url must be an http(s) URL such as http://localhost:7071, not "${url}"`);
  }
  return parsed.href.replace(/\/+$/, '');
}

function toApiError(response: Response, text: string, request: string): CliError {
  const parsed = errorBodySchema.safeParse(parseBody(text));
  const transient = response.status >= 500;
  if (!parsed.success) {
    const body = text.trim().replace(/\s+/g, ' ').slice(0, 200);
    return new CliError(
      `${request} failed with HTTP ${response.status}${body === '' ? '' : `: ${body}`}`,
      transient,
    );
  }
  const { error, correlationId } = parsed.data;
  const lines = [`${error.code}: ${error.message}`, ...formatDetails(error.details)];
  const id = correlationId ?? response.headers.get('x-request-id') ?? undefined;
  lines.push(
    `  (HTTP ${response.status} from ${request}${id === undefined ? '' : `, correlation id ${id}`})`,
  );
  if (response.status === 401 || response.status === 403) {
    lines.push('  pass --token <bearer> or set BATCH_API_TOKEN for an app deployed with AUTH_MODE=jwt');
  }
  return new CliError(lines.join('\n'), transient);
}

function formatDetails(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.slice(0, 10).map((detail: unknown) => {
    const parsed = z.object({ path: z.string().optional(), message: z.string() }).safeParse(detail);
    if (!parsed.success) return `  - ${JSON.stringify(detail)}`;
    return `  - ${parsed.data.path === undefined ? '' : `${parsed.data.path}: `}${parsed.data.message}`;
  });
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** " (ECONNREFUSED)" from undici's "fetch failed" and its cause. */
function reasonOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = z.object({ code: z.string() }).safeParse(cause);
  if (code.success) return ` (${code.data.code})`;
  return cause instanceof Error ? ` (${cause.message})` : '';
}

function hintFor(base: string): string {
  const host = new URL(base).hostname;
  return ['localhost', '127.0.0.1', '[::1]', '0.0.0.0'].includes(host)
    ? 'is `npm start` running?'
    : 'check --url and your network';
}
