import type { HttpRequest } from '@azure/functions';

const NEVER = new AbortController().signal;

/**
 * Aborted when the client goes away before its answer: the request's Fetch-standard `signal`, where the
 * runtime gives one (the local host does). @azure/functions 4.x does not yet tell a Node handler about a
 * disconnect (azure-functions-nodejs-library#273); there the signal never fires and a turn runs to its end.
 */
export function clientSignalOf(request: HttpRequest): AbortSignal {
  const signal: unknown = Reflect.get(request, 'signal');
  return signal instanceof AbortSignal ? signal : NEVER;
}
