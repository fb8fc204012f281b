import type { ServerResponse } from 'node:http';

/**
 * Replies in the data plane's shapes: errors are Azure.Core's `{"error": {"code", "message"}}` with the
 * code repeated in `x-ms-error-code` (the spec's ErrorResponse). The codes and messages are close to,
 * not copies of, the live service's, which the simulator's authors could not call.
 */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON unless a Buffer (sent as bytes) or undefined (no body). */
  readonly body?: unknown;
}

export function sendReply(response: ServerResponse, reply: Reply): void {
  if (response.destroyed || response.headersSent) return;
  const bytes =
    reply.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(reply.body)
        ? reply.body
        : Buffer.from(JSON.stringify(reply.body));
  response.writeHead(reply.status, {
    ...(reply.body === undefined || Buffer.isBuffer(reply.body)
      ? {}
      : { 'content-type': 'application/json; charset=utf-8' }),
    'x-ms-request-id': crypto.randomUUID(),
    ...reply.headers,
    'content-length': String(bytes.byteLength),
  });
  response.end(bytes);
}

export function azureError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'x-ms-error-code': code, ...headers }, body: { error: { code, message } } };
}

export const unauthorized = (message: string) =>
  azureError(401, 'Unauthorized', message, {
    'www-authenticate':
      'Bearer authorization_uri="https://login.microsoftonline.com/common", resource="https://dynamicsessions.io"',
  });

export const badRequest = (message: string, code = 'BadRequest') => azureError(400, code, message);

export const notFound = (message: string, code = 'NotFound') => azureError(404, code, message);
