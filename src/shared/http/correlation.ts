import { randomUUID } from 'node:crypto';

export const CORRELATION_HEADER = 'x-request-id';

const SANE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The caller's X-Request-ID when it is a sane id (no spaces, control or odd characters, <= 128), else a new UUID. */
export function correlationIdFrom(headerValue: string | null | undefined): string {
  return headerValue !== null && headerValue !== undefined && SANE_ID.test(headerValue)
    ? headerValue
    : randomUUID();
}
