import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';

import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors';
import { toErrorDetails } from './validation-details';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads, size-limits, parses and validates a JSON request body.
 * 415 for another content type, 413 over the limit, 400 for malformed JSON or a schema violation.
 */
export async function readJsonBody<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!JSON_TYPE.test(contentType)) throw new UnsupportedMediaTypeError('application/json');
  const text = await readText(request, maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('The request body is not valid JSON', undefined, 'invalid_json');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const details = toErrorDetails(result.error);
    throw new ValidationError(summarize(details), details);
  }
  return result.data;
}

/** The first problem in words ("'prompt' is required", "messages.0.role: Invalid option ..."), and how many more. */
function summarize(details: readonly { path?: string; message: string }[]): string {
  const [first] = details;
  if (first === undefined) return 'The request body is invalid';
  const named = first.message.startsWith("'") || first.path === undefined || first.path === '';
  const text = named ? first.message : `'${first.path ?? ''}' ${first.message}`;
  return details.length > 1 ? `${text} (and ${details.length - 1} more problem(s))` : text;
}

async function readText(request: HttpRequest, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk: ReadableStreamReadResult<unknown> = await reader.read();
    if (chunk.done) break;
    const value = chunk.value;
    if (!(value instanceof Uint8Array)) {
      throw new ValidationError('The request body could not be read', undefined, 'invalid_json');
    }
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ValidationError('The request body is not valid UTF-8', undefined, 'invalid_json');
  }
}
