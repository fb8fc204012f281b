import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';

import { AppError, type ErrorDetail } from '../errors';

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: readonly ErrorDetail[];
  };
  readonly correlationId: string;
}

export function errorBody(
  code: string,
  message: string,
  correlationId: string,
  details?: readonly ErrorDetail[],
): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) }, correlationId };
}

/** What a caller is told about a failure, before a protocol shapes it into a body. */
export interface ErrorFacts {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details: readonly ErrorDetail[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

/** Known errors keep their status and message; anything else is a masked 500 (the wrapper logs the cause). */
export function toErrorFacts(error: unknown): ErrorFacts {
  if (error instanceof AppError) {
    const { status, code, message, details, headers } = error;
    return { status, code, message, details, headers };
  }
  return {
    status: 500,
    code: 'internal_error',
    message: 'Internal server error',
    details: undefined,
    headers: {},
  };
}

/** Maps any error to the error envelope: `{"error": {"code", "message", "details"?}, "correlationId"}`. */
export function toErrorResponse(error: unknown, correlationId: string): HttpResponseInit {
  const { status, code, message, details, headers } = toErrorFacts(error);
  return { status, headers: { ...headers }, jsonBody: errorBody(code, message, correlationId, details) };
}

/**
 * How the routes of one protocol answer failures: the response, and its body's schema for the OpenAPI
 * document. Routes declare none unless their protocol has an error shape of its own (OpenAI's).
 */
export interface ErrorFormat {
  readonly toResponse: (error: unknown, correlationId: string) => HttpResponseInit;
  readonly schema: z.ZodType;
}
