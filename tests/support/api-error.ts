import { APIError } from 'openai';

/** The openai client's error for a call that must fail; anything else (or success) fails the test. */
export async function errorOf(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
