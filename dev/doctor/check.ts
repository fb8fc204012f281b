import type { TokenCredential } from '@azure/core-auth';
import { z } from 'zod';

import type { AppConfig } from '../../src/shared/config/settings';

/** What every dependency check gets: the settings that parsed, one credential, and the time limit. */
export interface CheckContext {
  readonly config: Partial<AppConfig>;
  /** Per network call. */
  readonly timeoutMs: number;
  /** One Microsoft Entra credential for the whole run, created only if a check needs it. */
  readonly credential: () => Promise<TokenCredential>;
  readonly getToken: (scope: string) => Promise<string>;
}

/** ✔ passed, ! passed with something to know, ✖ broken: the app will fail here. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One line of the doctor's report. `hint` says how to fix a failure or warning. */
export interface CheckResult {
  readonly status: CheckStatus;
  readonly name: string;
  readonly detail: string;
  readonly hint?: string;
}

export const pass = (name: string, detail: string): CheckResult => ({ status: 'pass', name, detail });

export const warn = (name: string, detail: string, hint?: string): CheckResult =>
  hint === undefined ? { status: 'warn', name, detail } : { status: 'warn', name, detail, hint };

export const fail = (name: string, detail: string, hint: string): CheckResult => ({
  status: 'fail',
  name,
  detail,
  hint,
});

/** A check that got no answer in time. */
export class DeadlineError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs one network call with a deadline: its signal aborts when time is up, and the call is abandoned
 * then even if it ignores the signal (a credential that probes for a managed identity, say).
 *
 * @example
 * await withDeadline(5_000, (signal) => client.getProperties({ abortSignal: signal }));
 */
export async function withDeadline<T>(
  timeoutMs: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } catch (error) {
    throw controller.signal.aborted ? new DeadlineError(timeoutMs) : error;
  } finally {
    clearTimeout(timer);
  }
}

// SDK errors are read by shape: a RestError, a Cosmos ErrorResponse and a fetch failure differ in class
// but share these fields.
const sdkError = z.object({
  message: z.string(),
  code: z.union([z.string(), z.number()]).optional(),
  statusCode: z.number().optional(),
  cause: z.object({ message: z.string(), code: z.string().optional() }).optional(),
});

export interface ErrorFacts {
  /** The HTTP status, when the service answered. */
  readonly status?: number;
  /** A service error code (AuthorizationFailure) or a socket error (ECONNREFUSED). */
  readonly code?: string;
  readonly message: string;
}

/** What can be told about anything thrown by an SDK call. */
export function errorFacts(error: unknown): ErrorFacts {
  const parsed = sdkError.safeParse(error);
  if (!parsed.success) return { message: String(error) };
  const { message, code, statusCode, cause } = parsed.data;
  const status = statusCode ?? (typeof code === 'number' ? code : undefined);
  const textCode = typeof code === 'string' ? code : cause?.code;
  const text =
    cause === undefined || message.includes(cause.message) ? message : `${message} (${cause.message})`;
  return {
    message: firstLine(text),
    ...(status === undefined ? {} : { status }),
    ...(textCode === undefined ? {} : { code: textCode }),
  };
}

/** What can be told about a failed step: the deadline it missed, or the facts of what the SDK threw. */
export function failureFacts(error: unknown): ErrorFacts {
  return error instanceof DeadlineError ? { message: error.message, code: 'DEADLINE' } : errorFacts(error);
}

/** True when the request never reached a service: nothing listens there, or the name does not resolve. */
export function isConnectionFailure(facts: ErrorFacts): boolean {
  return (
    facts.status === undefined &&
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|REQUEST_SEND_ERROR|fetch failed/i.test(
      `${facts.code ?? ''} ${facts.message}`,
    )
  );
}

// Lengths are capped by the report, after redaction, so a cut can never leave part of a secret unmasked.
function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
