import type { HttpRequest } from '@azure/functions';
import type * as z from 'zod';

import { PayloadTooLargeError, toErrorDetails, UnsupportedMediaTypeError, ValidationError } from '../errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
// Deeper bodies are refused before anything walks them recursively (JSON.stringify in schemas, ajv, the
// SDKs), which overflows the stack at a few thousand levels. 64 is System.Text.Json's default.
const MAX_DEPTH = MAX_JSON_DEPTH;

/**
 * Reads, size-limits, parses and validates a JSON request body.
 * 415 for another content type, 413 over the limit, 400 for malformed JSON, nesting deeper than 64 levels
 * or a schema violation.
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
  if (nestsDeeperThan(parsed, MAX_DEPTH)) {
    throw new ValidationError(`The request body is nested more than ${MAX_DEPTH} levels deep`, [
      { path: '', message: `must nest at most ${MAX_DEPTH} levels deep` },
    ]);
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
    let chunk: ReadableStreamReadResult<unknown>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away or broke the framing mid-body: not a server error (nobody is left to answer).
      throw new ValidationError('The request body could not be read', undefined, 'invalid_json');
    }
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
