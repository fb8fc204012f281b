import type { FunctionDefinition } from '../shared/hosting/function-definition';
import { defineHttpFunction } from '../shared/hosting/function-definition';
import { buildOpenApiDocument, type OpenApiDocument } from '../shared/http/api-contract/openapi-document';

/**
 * GET /api/openapi.json: the OpenAPI 3.1 document of every HTTP function in the table, built once per
 * process on first request. Like the catch-all, it reads the table through a function, so that the table
 * can list it.
 */
export function createOpenApiFunction(definitions: () => readonly FunctionDefinition[]) {
  let document: OpenApiDocument | undefined;
  return defineHttpFunction({
    name: 'openapi',
    route: 'openapi.json',
    methods: ['GET'],
    anonymous: true,
    handle: () => {
      document ??= buildOpenApiDocument(definitions());
      return Promise.resolve({ jsonBody: document });
    },
  });
}
