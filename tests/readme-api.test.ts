import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadFunctionDefinitions } from '../src/functions/index';
import { buildOpenApiDocument } from '../src/shared/http/api-contract/openapi-document';
import { repoRoot } from './support/test-stack';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'];

/** The README's "## API" section: from its heading to the next second-level heading. */
function apiSection(readme: string): string {
  const start = readme.search(/^## API\s*$/m);
  if (start < 0) throw new Error('README.md has no "## API" section');
  const rest = readme.slice(start + '## API'.length);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Every `METHOD /api/path` the text names, e.g. "POST /api/chat" or "GET /api/health?deep=true". */
function operationsNamed(text: string): Set<string> {
  const pattern = new RegExp(`\\b(${METHODS.join('|')}) (/api/[^\\s\`'"),?#]*)`, 'g');
  return new Set([...text.matchAll(pattern)].map(([, method = '', path = '']) => `${method} ${path}`));
}

describe('the README API section', () => {
  let documented: Set<string>;
  beforeAll(async () => {
    const document = buildOpenApiDocument(await loadFunctionDefinitions());
    documented = new Set(
      Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => METHODS.includes(key.toUpperCase()))
          .map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
  });
  const named = operationsNamed(apiSection(readFileSync(join(repoRoot, 'README.md'), 'utf8')));

  it('when read, then it names every operation of the OpenAPI document', () => {
    const missing = [...documented].filter((operation) => !named.has(operation)).sort();
    expect({ missingFromReadme: missing }).toEqual({ missingFromReadme: [] });
  });

  it('when read, then it names no operation the OpenAPI document lacks', () => {
    const unknown = [...named].filter((operation) => !documented.has(operation)).sort();
    expect({ notInOpenApiDocument: unknown }).toEqual({ notInOpenApiDocument: [] });
  });

  it('when a line names an operation, then it is found, with or without a query or backticks', () => {
    expect([
      ...operationsNamed('`GET /api/health?deep=true` and POST /api/chat/stream, then `DELETE /api/x/{id}`.'),
    ]).toEqual(['GET /api/health', 'POST /api/chat/stream', 'DELETE /api/x/{id}']);
  });
});
