import type * as z from 'zod';

import type { AppConfig } from '../config/settings';
import type { ApiResponse } from './api-contract/responses';
import type { ErrorFormat } from './error-response';

/** A schema, or a factory of it for schemas whose limits are settings (CHAT_MAX_MESSAGE_CHARS, say). */
export type FromConfig<S> = S | ((config: AppConfig) => S);

/** What a route reads from a request, each part validated before the handler runs (hono's `validator`). */
export interface RequestSchemas {
  /** One property per `{name}` of the route; a value that does not parse is a 404, like an unknown id. */
  readonly params?: z.ZodObject | undefined;
  /** Read with `URLSearchParams.get`; unknown names are ignored, a bad value is a 400. */
  readonly query?: z.ZodObject | undefined;
  /** Read by name, case-insensitively; a bad value is a 400 naming the header. */
  readonly headers?: z.ZodObject | undefined;
  /** An application/json body, read with `readJsonBody` (so 400, 413 and 415 apply). */
  readonly body?: FromConfig<z.ZodType> | undefined;
  /** The body's size limit; HTTP_MAX_BODY_BYTES unless the route says otherwise. */
  readonly maxBodyBytes?: ((config: AppConfig) => number) | undefined;
}

/**
 * What one HTTP route states about itself: the request it accepts and the responses it gives. The
 * wrapper validates with it and the OpenAPI document is generated from it; 401 (unless anonymous), the
 * X-Request-ID header, the body errors and the `default` error are added to every operation.
 */
export interface RouteContract {
  readonly tag: 'chat' | 'openai' | 'conversations' | 'batch' | 'connectors' | 'usage' | 'operations';
  readonly summary: string;
  readonly description?: string;
  readonly request: RequestSchemas;
  readonly responses: Readonly<Record<number, ApiResponse>>;
  /** Every error of the route in this shape instead of the error envelope (the OpenAI-compatible routes). */
  readonly errorFormat?: ErrorFormat;
}

/** The body schema for these settings. */
export function bodySchemaOf(source: FromConfig<z.ZodType>, config: AppConfig): z.ZodType {
  return typeof source === 'function' ? source(config) : source;
}
