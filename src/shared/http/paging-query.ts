import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';

import { toErrorDetails, ValidationError } from '../errors';

const pagingSchema = z.object({
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  continuationToken: z.string().min(1).max(12_000).optional(),
});

/** `?pageSize=1..100&continuationToken=...`, validated. */
export function readPaging(request: HttpRequest): { size: number; continuationToken?: string } {
  const parsed = pagingSchema.safeParse({
    pageSize: request.query.get('pageSize') ?? undefined,
    continuationToken: request.query.get('continuationToken') ?? undefined,
  });
  if (!parsed.success) throw new ValidationError('The query is invalid', toErrorDetails(parsed.error));
  const { pageSize, continuationToken } = parsed.data;
  return continuationToken === undefined ? { size: pageSize } : { size: pageSize, continuationToken };
}
