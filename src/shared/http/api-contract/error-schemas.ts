import * as z from 'zod';

import type { ErrorBody } from '../error-response';
import type { Assert, Covers, SameKeys } from './type-checks';

export const errorDetailSchema = z
  .strictObject({
    path: z.string().optional().meta({ description: 'Dotted path of the offending field or header' }),
    message: z.string(),
    code: z.string().optional().meta({ description: 'The zod issue code, for validation errors' }),
  })
  .meta({ id: 'ErrorDetail' });

/** The one error envelope of every failed request (`toErrorResponse`). */
export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Machine-readable, e.g. validation_error, not_found' }),
      message: z.string(),
      details: z.array(errorDetailSchema).optional(),
    }),
    correlationId: z.string().meta({ description: 'The X-Request-ID of this request; logs carry it too' }),
  })
  .meta({ id: 'ErrorBody', description: 'Every error response has this shape' });

type _Checks = [
  Assert<Covers<z.output<typeof errorBodySchema>, ErrorBody>>,
  Assert<SameKeys<z.output<typeof errorBodySchema>, ErrorBody>>,
  Assert<SameKeys<z.output<typeof errorBodySchema>['error'], ErrorBody['error']>>,
];
