import type { HttpResponseInit } from '@azure/functions';

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

/**
 * Maps any error to the error envelope. Known errors keep their status and message; anything else
 * is a masked 500 (the caller logs the cause with the correlation id).
 */
export function toErrorResponse(error: unknown, correlationId: string): HttpResponseInit {
  if (error instanceof AppError) {
    return {
      status: error.status,
      headers: { ...error.headers },
      jsonBody: errorBody(error.code, error.message, correlationId, error.details),
    };
  }
  return { status: 500, jsonBody: errorBody('internal_error', 'Internal server error', correlationId) };
}
