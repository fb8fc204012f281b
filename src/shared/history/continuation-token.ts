import * as z from 'zod';

import { ValidationError } from '../errors';

const wrapped = z.object({ c: z.string().min(1).max(8192) });

/** Cosmos continuation tokens are JSON: wrapped in base64url so they travel safely in a query string. */
export function encodeContinuationToken(token: string | undefined): string | undefined {
  return token === undefined ? undefined : Buffer.from(JSON.stringify({ c: token })).toString('base64url');
}

export function decodeContinuationToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    return wrapped.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).c;
  } catch {
    throw new ValidationError(
      'The continuation token is not valid',
      [{ path: 'continuationToken', message: 'not a token this API issued' }],
      'invalid_continuation_token',
    );
  }
}
