import type { z } from 'zod';

import type { ErrorDetail } from '../errors';

/** zod issues as error details: a dotted path and a message, never the rejected value. */
export function toErrorDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}
