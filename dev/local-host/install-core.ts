import Module from 'node:module';

import { coreApi } from './functions-core';

const CORE_ID = '@azure/functions-core';

/**
 * Makes `require('@azure/functions-core')` return this host's core API, as the real worker does.
 * Must run before the app (and so @azure/functions) is first loaded.
 */
export function installFunctionsCore(): void {
  const moduleWithInternals = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, unknown>;
  };
  const resolve = moduleWithInternals._resolveFilename;
  moduleWithInternals._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === CORE_ID ? CORE_ID : resolve.call(this, request, ...rest);
  };
  const fake = new Module(CORE_ID);
  fake.exports = coreApi;
  fake.loaded = true;
  moduleWithInternals._cache[CORE_ID] = fake;
}
