import { HttpRequest } from '@azure/functions';
import { z } from 'zod';

import { AppError } from '../../../src/shared/errors';
import { readJsonBody } from '../../../src/shared/http/read-json-body';

const schema = z.object({ prompt: z.string().min(1) });

const post = (body: string, contentType = 'application/json') =>
  new HttpRequest({
    method: 'POST',
    url: 'http://localhost/api/x',
    headers: { 'content-type': contentType },
    body: { string: body },
  });

async function failure(request: HttpRequest, maxBytes = 1_024): Promise<{ status: number; code: string }> {
  try {
    await readJsonBody(request, schema, maxBytes);
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('the body was accepted');
}

describe('readJsonBody', () => {
  it('when the body is valid JSON that fits the schema, then it is returned parsed', async () => {
    await expect(readJsonBody(post('{"prompt":"hi","extra":1}'), schema, 1_024)).resolves.toEqual({
      prompt: 'hi',
    });
  });

  it('when the content type is not JSON, then 415', async () => {
    expect(await failure(post('{"prompt":"hi"}', 'text/plain'))).toEqual({
      status: 415,
      code: 'unsupported_media_type',
    });
  });

  it('when the body is larger than the limit, then 413', async () => {
    expect(await failure(post(JSON.stringify({ prompt: 'x'.repeat(2_000) })))).toEqual({
      status: 413,
      code: 'payload_too_large',
    });
  });

  it('when the body is not JSON, nests too deeply or breaks the schema, then 400 with a code that says which', async () => {
    expect(await failure(post('{"prompt":'))).toEqual({ status: 400, code: 'invalid_json' });
    expect(await failure(post('['.repeat(70) + ']'.repeat(70)))).toEqual({
      status: 400,
      code: 'validation_error',
    });
    expect(await failure(post('{"prompt":""}'))).toEqual({ status: 400, code: 'validation_error' });
  });
});
