import type { FunctionDefinition } from '../shared/hosting/function-definition';
import { defineHttpFunction } from '../shared/hosting/http-function';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  openApiDocumentSchema,
} from '../shared/http/api-contract/openapi-document';
import { jsonResponse } from '../shared/http/api-contract/responses';

/**
 * GET /api/openapi.json: the OpenAPI 3.1 document of every HTTP function in the table, built once per
 * process on first request (which loads every function's module, with its contract). Like the catch-all,
 * it reads the table through a function, so that the table can list it.
 */
export function createOpenApiFunction(definitions: () => Promise<readonly FunctionDefinition[]>) {
  let document: Promise<OpenApiDocument> | undefined;
  return defineHttpFunction({
    name: 'openapi',
    route: 'openapi.json',
    methods: ['GET'],
    anonymous: true,
    tag: 'operations',
    summary: 'This document',
    responses: { 200: jsonResponse('The OpenAPI 3.1 document of this API', openApiDocumentSchema) },
    handle: async () => {
      document ??= definitions().then(buildOpenApiDocument);
      return { jsonBody: await document };
    },
  });
}
