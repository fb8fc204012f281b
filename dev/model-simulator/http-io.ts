import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ScriptedResponse } from './options';

/** A whole response: status, headers and a body that is sent as is when a string, else as JSON. */
export type Reply = ScriptedResponse;

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor() {
    super(`The request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.byteLength;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendReply(
  response: ServerResponse,
  reply: Reply,
  extraHeaders: Record<string, string> = {},
): void {
  if (response.destroyed) return;
  const isText = typeof reply.body === 'string';
  const payload =
    typeof reply.body === 'string' ? reply.body : ((JSON.stringify(reply.body) as string | undefined) ?? '');
  const headers: Record<string, string> = {
    ...(reply.body === undefined
      ? {}
      : { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json' }),
    ...extraHeaders,
    ...reply.headers,
    'content-length': String(Buffer.byteLength(payload)),
  };
  response.writeHead(reply.status, headers);
  response.end(payload);
}

/** Aborted when the client goes away before the response was sent in full. */
export function abortSignalFor(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
