import { setTimeout as delay } from 'node:timers/promises';

import * as z from 'zod';

import type { Logger } from '../logging/logger';

export interface EndpointReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export type SendResult =
  { readonly ok: true; readonly reply: EndpointReply } | { readonly ok: false; readonly error: string };

export interface SendOptions {
  readonly url: string;
  readonly init: RequestInit;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryDelayMs: number;
  readonly fetch: typeof fetch;
  /** Counts every request sent, across calls that share it. */
  readonly attempts: { count: number };
  readonly log: Logger;
  /** The caller's signal (the tool's timeout); each attempt also has its own timeout. */
  readonly signal?: AbortSignal;
}

// Azure ML answers 429 when a deployment has too many pending requests and 503 while it scales or
// restarts; both clear up by themselves. Nothing else is retried, and this is the only retry layer.
const RETRIED_STATUSES = new Set([429, 503]);
const FIRST_BACKOFF_MS = 250;

/**
 * Sends one request with a timeout per attempt and a bounded number of retries of 429 and 503,
 * honouring retry-after up to `maxRetryDelayMs`. A reply of any status is `ok`; only a request that got
 * no reply (timeout, cancellation, connection failure) is not.
 *
 * @example
 * const sent = await sendWithRetries({ url, init, timeoutMs: 10_000, maxRetries: 2, maxRetryDelayMs: 5_000, fetch, attempts: { count: 0 }, log });
 * if (sent.ok) console.log(sent.reply.status);
 */
export async function sendWithRetries(options: SendOptions): Promise<SendResult> {
  for (let retry = 0; ; retry += 1) {
    options.attempts.count += 1;
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    let reply: EndpointReply;
    try {
      const response = await options.fetch(options.url, { ...options.init, signal });
      reply = { status: response.status, headers: response.headers, text: await response.text() };
    } catch (error) {
      return { ok: false, error: describeFailure(error, timeout, options) };
    }
    if (!RETRIED_STATUSES.has(reply.status) || retry >= options.maxRetries) return { ok: true, reply };

    const waitMs = retryDelay(reply.headers.get('retry-after'), retry, options.maxRetryDelayMs);
    options.log.debug('scoring endpoint busy; retrying', { status: reply.status, waitMs, retry: retry + 1 });
    try {
      await delay(waitMs, undefined, options.signal === undefined ? {} : { signal: options.signal });
    } catch {
      return { ok: false, error: cancelled };
    }
  }
}

// Read by shape: errors from another realm (undici, a test sandbox) fail `instanceof Error`.
const fetchFailure = z.object({
  message: z.string(),
  cause: z.object({ message: z.string() }).optional(),
});

const cancelled = 'the scoring call was cancelled (the tool timed out or the caller went away)';

function describeFailure(error: unknown, timeout: AbortSignal, options: SendOptions): string {
  if (options.signal?.aborted === true) return cancelled;
  if (timeout.aborted) return `no answer from the scoring endpoint within ${options.timeoutMs} ms`;
  // Node's fetch says only "fetch failed"; the cause names the socket error (ECONNREFUSED, ENOTFOUND).
  const failure = fetchFailure.safeParse(error).data;
  const cause = failure?.cause?.message === undefined ? '' : ` (${failure.cause.message})`;
  return `could not reach the scoring endpoint: ${failure?.message ?? String(error)}${cause}`;
}

function retryDelay(retryAfter: string | null, retry: number, maxMs: number): number {
  const seconds = retryAfter === null || retryAfter.trim() === '' ? Number.NaN : Number(retryAfter);
  const wanted = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : FIRST_BACKOFF_MS * 2 ** retry;
  return Math.min(wanted, maxMs);
}
