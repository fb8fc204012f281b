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
    tag: 'operations',
    summary: 'This document',
    responses: { 200: jsonResponse('The OpenAPI 3.1 document of this API', openApiDocumentSchema) },
    handle: () => {
      document ??= buildOpenApiDocument(definitions());
      return Promise.resolve({ jsonBody: document });
    },
  });
}
