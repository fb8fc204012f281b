import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { waitFor } from '../../dev/stack/ports';
import { batchJobsGet } from '../../src/functions/batch-jobs-get';
import { loadFunctionDefinitions } from '../../src/functions/index';
import type {
  FunctionDefinition,
  HttpFunctionDefinition,
} from '../../src/shared/hosting/function-definition';
import {
  buildOpenApiDocument,
  isCatchAll,
  type OpenApiDocument,
  toOpenApiPath,
} from '../../src/shared/http/api-contract/openapi-document';
import { easyAuthHeaders } from '../support/identity';
import { repoRoot, startTestStack, type TestStack } from '../support/test-stack';

const USER = easyAuthHeaders('openapi-user-1', { roles: ['admin'] });
const NOT_ADMIN = easyAuthHeaders('openapi-user-2');
const JSON_BODY = { 'content-type': 'application/json' };
const EXAMPLE =
  'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?';
const OUTPUT_SCHEMA = {
  type: 'object',
  properties: { company_name: { type: 'string' }, stock_symbol: { type: 'string' } },
  required: ['company_name', 'stock_symbol'],
  additionalProperties: false,
};
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];
const DOCUMENT_ID = 'https://contract.test/openapi.json';

interface Operation {
  security?: unknown[];
  responses: Record<
    string,
    { content?: Record<string, unknown>; headers?: Record<string, { $ref: string }> }
  >;
}

interface Received {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** The document through the real OpenAPI 3.1 validator (ESM-only, so in a child process). */
function openApiValidation(document: unknown): { valid: boolean; version?: string; errors?: unknown } {
  const script = [
    "import { Validator } from '@seriousme/openapi-schema-validator';",
    'const chunks = [];',
    'for await (const chunk of process.stdin) chunks.push(chunk);',
    'const validator = new Validator();',
    "const result = await validator.validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));",
    'process.stdout.write(JSON.stringify({ ...result, version: validator.version }));',
  ].join('\n');
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot,
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  return JSON.parse(output) as { valid: boolean; version?: string; errors?: unknown };
}

const pointer = (...parts: string[]) =>
  `#/${parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

/** Checks real responses against the served document: status, headers, media type and body schema. */
class Contract {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.#ajv);
    this.#ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  }

  /** `[path, methods]` of every documented path. */
  paths(): [string, string[]][] {
    return Object.entries(this.document.paths ?? {}).map(([path, item]) => [
      path,
      Object.keys(item).filter((key) => HTTP_METHODS.includes(key)),
    ]);
  }

  operation(path: string, method: string): Operation {
    const item = this.document.paths?.[path] as Record<string, Operation | undefined> | undefined;
    const operation = item?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`the document has no ${method} ${path}`);
    return operation;
  }

  /** The problems of one value against a schema of the document (empty when it conforms). */
  problems(schemaPointer: string, value: unknown): string[] {
    const validate = this.#ajv.getSchema(`${DOCUMENT_ID}${schemaPointer}`);
    if (validate === undefined) return [`no schema at ${schemaPointer}`];
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
  }

  /**
   * Everything wrong with a response of `method path` by the document: an undocumented status, a missing
   * documented header, another media type, a body (or an event, or a line) its schema rejects.
   */
  check(path: string, method: string, response: Received): string[] {
    const operation = this.operation(path, method);
    const where = `${method} ${path} -> ${response.status}`;
    const documented = operation.responses[String(response.status)];
    if (documented === undefined) return [`${where}: status not in the document`];
    const problems: string[] = [];
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      const required = (this.resolve(header.$ref) as { required?: boolean }).required === true;
      if (required && response.headers.get(name) === null) problems.push(`${where}: no ${name} header`);
    }
    if (documented.content === undefined) {
      if (response.text !== '') problems.push(`${where}: a body where the document has none`);
      return problems;
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (documented.content[mediaType] === undefined) {
      return [...problems, `${where}: media type '${mediaType}' not in the document`];
    }
    const schema = pointer(
      'paths',
      path,
      method.toLowerCase(),
      'responses',
      String(response.status),
      'content',
      mediaType,
      'schema',
    );
    for (const [index, item] of itemsOf(mediaType, response.text).entries()) {
      problems.push(
        ...this.problems(schema, item).map((problem) => `${where} [${mediaType} #${index}]: ${problem}`),
      );
    }
    return problems;
  }

  private resolve(ref: string): unknown {
    return ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], this.document);
  }
}

/** The JSON values a body carries: one for JSON, one per `data:` event, one per line. */
function itemsOf(mediaType: string, text: string): unknown[] {
  if (mediaType === 'text/event-stream') {
    expect(text.endsWith('\n\n')).toBe(true);
    return (
      text
        .split('\n\n')
        // `data: [DONE]` ends OpenAI and AI SDK streams, by their protocols; it carries no JSON.
        .filter((frame) => frame !== '' && frame !== 'data: [DONE]')
        .map((frame) => {
          expect(frame.startsWith('data: ')).toBe(true);
          return JSON.parse(frame.slice('data: '.length)) as unknown;
        })
    );
  }
  if (mediaType === 'application/jsonl') {
    expect(text.endsWith('\n')).toBe(true);
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
  }
  return [JSON.parse(text) as unknown];
}

describe('GET /api/openapi.json', () => {
  let stack: TestStack;
  let base: string;
  let contract: Contract;
  let functionDefinitions: FunctionDefinition[];

  const send = async (path: string, init: RequestInit = {}): Promise<Received> => {
    const response = await fetch(`${base}${path}`, init);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const asUser = (init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { ...USER, ...(init.headers as Record<string, string> | undefined) },
  });
  const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    send(path, asUser({ method: 'POST', headers: { ...JSON_BODY, ...headers }, body: JSON.stringify(body) }));

  /** Sends one request and expects its response to conform to the document; returns it for more checks. */
  const expectConforming = async (
    documentPath: string,
    method: string,
    request: Promise<Received>,
    expectedStatus: number,
  ): Promise<Received> => {
    const response = await request;
    expect({ status: response.status, text: response.text.slice(0, 500) }).toMatchObject({
      status: expectedStatus,
    });
    expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(contract.check(documentPath, method, response)).toEqual([]);
    return response;
  };
  const bodyOf = (response: Received): unknown => JSON.parse(response.text);

  beforeAll(async () => {
    stack = await startTestStack();
    base = (
      await stack.startHost({
        AUTH_MODE: 'easyauth',
        HTTP_MAX_BODY_BYTES: '4096',
        BATCH_MAX_BODY_BYTES: '4096',
        CONNECTORS_ENABLED: 'true',
        CONNECTORS_MAX_BODY_BYTES: '4096',
      })
    ).url;
    const response = await fetch(`${base}/api/openapi.json`);
    contract = new Contract((await response.json()) as OpenApiDocument);
    functionDefinitions = await loadFunctionDefinitions();
  });
  afterAll(() => stack.stop());

  describe('the document', () => {
    it('when fetched without a caller, then the OpenAPI 3.1 validator accepts it and a broken copy it rejects', async () => {
      const response = await expectConforming('/api/openapi.json', 'GET', send('/api/openapi.json'), 200);
      const document = bodyOf(response) as Record<string, unknown>;
      expect(document.openapi).toBe('3.1.0');
      expect(openApiValidation(document)).toEqual({ valid: true, version: '3.1' });
      const { info: _info, ...broken } = document;
      expect(openApiValidation(broken).valid).toBe(false);
    });

    it('when served, then it is the document built from functionDefinitions, with the package version', () => {
      const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(contract.document).toEqual(
        JSON.parse(JSON.stringify(buildOpenApiDocument(functionDefinitions))),
      );
      expect(contract.document.info.version).toBe(packageJson.version);
    });

    it('when compared with functionDefinitions, then every HTTP function but the catch-all is there with its methods, and nothing else', () => {
      const hostJson = JSON.parse(readFileSync(join(repoRoot, 'host.json'), 'utf8')) as {
        extensions: { http: { routePrefix: string } };
      };
      expect(`/${hostJson.extensions.http.routePrefix}`).toBe('/api');
      const http = functionDefinitions.filter(
        (definition): definition is HttpFunctionDefinition => definition.kind === 'http',
      );
      expect(http.filter(isCatchAll).map((definition) => definition.name)).toEqual(['not-found']);
      const expected = http
        .filter((definition) => !isCatchAll(definition))
        .flatMap((definition) =>
          definition.methods.map((method) => `${method} ${toOpenApiPath(definition.route)}`),
        );
      const documented = contract
        .paths()
        .flatMap(([path, methods]) => methods.map((method) => `${method.toUpperCase()} ${path}`));
      expect(documented.sort()).toEqual(expected.sort());
      expect(documented).toContain('GET /api/openapi.json');
    });

    it('when a function declares no contract, or its route disagrees with its path parameters, then building the document fails saying so', () => {
      const widgets = { ...batchJobsGet, name: 'widgets-get', route: 'widgets', contract: undefined };
      expect(() => buildOpenApiDocument([...functionDefinitions, widgets])).toThrow(
        /'widgets-get' \(GET \/api\/widgets\) declares no contract/,
      );
      const renamed = functionDefinitions.map((definition) =>
        definition === batchJobsGet ? { ...batchJobsGet, route: 'batch-jobs/{jobId}' } : definition,
      );
      expect(() => buildOpenApiDocument(renamed)).toThrow(
        /path parameters \[id\] but its route .* has \[jobId\]/,
      );
      // The table is the one list: a function left out of it is left out of the document.
      const without = buildOpenApiDocument(
        functionDefinitions.filter((definition) => definition !== batchJobsGet),
      );
      expect(without.paths?.['/api/batch-jobs/{id}']).toBeUndefined();
      expect(without.paths?.['/api/batch-jobs/{id}/results']).toBeDefined();
    });

    it('when every operation is called without a caller, then the secured ones answer a documented 401 and the anonymous ones serve', async () => {
      for (const [path, methods] of contract.paths()) {
        for (const method of methods) {
          const anonymous = contract.operation(path, method).security?.length === 0;
          const url = path.replace('{id}', 'no-such-id-1');
          const init: RequestInit =
            method === 'post'
              ? { method: 'POST', headers: JSON_BODY, body: '{}' }
              : { method: method.toUpperCase() };
          const response = await expectConforming(
            path,
            method.toUpperCase(),
            send(url, init),
            anonymous ? 200 : 401,
          );
          if (!anonymous) expect(bodyOf(response)).toMatchObject({ error: { code: 'unauthorized' } });
        }
      }
    });

    it('when a documented path is called with a method it lacks, then 405 with the error envelope and Allow listing exactly its methods', async () => {
      for (const [path, methods] of contract.paths()) {
        const wrong = methods.includes('patch') ? 'PUT' : 'PATCH';
        const response = await send(path.replace('{id}', 'some-id-1'), asUser({ method: wrong }));
        expect({ path, status: response.status }).toEqual({ path, status: 405 });
        expect(
          contract.problems(pointer('components', 'schemas', 'ErrorBody'), JSON.parse(response.text)),
        ).toEqual([]);
        const allowed = (response.headers.get('allow') ?? '')
          .split(',')
          .map((method) => method.trim().toLowerCase());
        expect({ path, allowed: allowed.sort() }).toEqual({ path, allowed: [...methods].sort() });
      }
      const unknown = await send('/api/no-such-route', asUser());
      expect(unknown.status).toBe(404);
      expect(
        contract.problems(pointer('components', 'schemas', 'ErrorBody'), JSON.parse(unknown.text)),
      ).toEqual([]);
    });
  });

  describe('real responses of every route conform to it', () => {
    it('GET /api/health: shallow and deep reports', async () => {
      await expectConforming('/api/health', 'GET', send('/api/health'), 200);
      const deep = await send('/api/health?deep=true', asUser());
      expect([200, 503]).toContain(deep.status);
      expect(contract.check('/api/health', 'GET', deep)).toEqual([]);
      expect((bodyOf(deep) as { checks?: object }).checks).toBeDefined();
    });

    it('GET /api/config/info and deep health: a documented 403 for a caller without the admin role', async () => {
      const response = await expectConforming(
        '/api/config/info',
        'GET',
        send('/api/config/info', { headers: NOT_ADMIN }),
        403,
      );
      expect(bodyOf(response)).toMatchObject({
        error: { code: 'forbidden', details: [{ code: 'admin_only' }] },
      });
      await expectConforming(
        '/api/health',
        'GET',
        send('/api/health?deep=true', { headers: NOT_ADMIN }),
        403,
      );
      await expectConforming('/api/health', 'GET', send('/api/health?deep=true'), 401);
    });

    it("GET /api/me/usage: the caller's quotas", async () => {
      const response = await expectConforming('/api/me/usage', 'GET', send('/api/me/usage', asUser()), 200);
      expect(bodyOf(response)).toMatchObject({
        userId: 'openapi-user-1',
        admin: true,
        quotas: expect.arrayContaining([
          expect.objectContaining({ name: 'requests_per_minute', window: 'minute' }),
        ]),
      });
    });

    it('GET /api/config/info: one entry per setting', async () => {
      const response = await expectConforming(
        '/api/config/info',
        'GET',
        send('/api/config/info', asUser()),
        200,
      );
      expect((bodyOf(response) as Record<string, { source: string }>).AUTH_MODE).toEqual({
        value: 'easyauth',
        source: 'env',
      });
    });

    it('POST /api/chat as JSON: an answer with tool calls, and each kind of error', async () => {
      const answer = await expectConforming(
        '/api/chat',
        'POST',
        postJson('/api/chat', { message: EXAMPLE }),
        200,
      );
      expect((bodyOf(answer) as { actions_result: unknown[] }).actions_result.length).toBeGreaterThan(0);
      await expectConforming('/api/chat', 'POST', postJson('/api/chat', {}), 400);
      await expectConforming(
        '/api/chat',
        'POST',
        send('/api/chat', asUser({ method: 'POST', headers: JSON_BODY, body: '{"message":' })),
        400,
      );
      await expectConforming(
        '/api/chat',
        'POST',
        postJson('/api/chat', { message: 'x [sim:content-filter]' }),
        400,
      );
      await expectConforming(
        '/api/chat',
        'POST',
        postJson('/api/chat', { message: 'hi', conversationId: 'unknown-1' }),
        404,
      );
      await expectConforming('/api/chat', 'POST', postJson('/api/chat', { message: 'x'.repeat(5000) }), 413);
      await expectConforming(
        '/api/chat',
        'POST',
        send(
          '/api/chat',
          asUser({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }),
        ),
        415,
      );
      const busy = await expectConforming(
        '/api/chat',
        'POST',
        postJson('/api/chat', { message: 'hello [sim:retry-after:86400]' }),
        503,
      );
      expect(busy.headers.get('retry-after')).toBe('86400');
    });

    it('POST /api/chat as Server-Sent Events: every event of a turn with tools, and of a turn that fails mid-stream', async () => {
      const turn = await expectConforming(
        '/api/chat',
        'POST',
        postJson('/api/chat', { message: EXAMPLE, stream: true }),
        200,
      );
      const types = itemsOf('text/event-stream', turn.text).map((event) => (event as { type: string }).type);
      expect(types[0]).toBe('metadata');
      expect(types.at(-1)).toBe('done');
      expect(types).toEqual(expect.arrayContaining(['tool_call', 'tool_result', 'chunk']));
      const byAccept = await expectConforming(
        '/api/chat',
        'POST',
        postJson('/api/chat', { message: 'Hello' }, { accept: 'text/event-stream' }),
        200,
      );
      expect(byAccept.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const failed = await expectConforming(
        '/api/chat',
        'POST',
        postJson('/api/chat', { message: 'a long answer please [sim:mid-stream-error]', stream: true }),
        200,
      );
      expect(itemsOf('text/event-stream', failed.text).at(-1)).toMatchObject({ type: 'error' });
    });

    it('POST /api/chat/stream: every JSON line of a turn with tools, of a failing turn, and its errors', async () => {
      const turn = await expectConforming(
        '/api/chat/stream',
        'POST',
        postJson('/api/chat/stream', { message: EXAMPLE }),
        200,
      );
      const lines = itemsOf('application/jsonl', turn.text) as { context?: { event: string } }[];
      expect(lines.map((line) => line.context?.event).filter(Boolean)).toEqual(
        expect.arrayContaining(['tool_call', 'tool_result', 'done']),
      );
      const failed = await expectConforming(
        '/api/chat/stream',
        'POST',
        postJson('/api/chat/stream', {
          messages: [{ role: 'user', content: 'long answer [sim:mid-stream-error]' }],
        }),
        200,
      );
      expect(itemsOf('application/jsonl', failed.text).at(-1)).toEqual({ error: expect.any(Object) });
      await expectConforming('/api/chat/stream', 'POST', postJson('/api/chat/stream', { messages: [] }), 400);
      await expectConforming(
        '/api/chat/stream',
        'POST',
        send('/api/chat/stream', asUser({ method: 'POST', body: 'hello' })),
        415,
      );
    });

    it('POST /api/chat/ui: every UI message chunk of a turn with tools, of a failing turn, and its errors', async () => {
      const ui = (text: string) => ({
        id: 'openapi-ui-1',
        messages: [{ id: 'm', role: 'user', parts: [{ type: 'text', text }] }],
      });
      const turn = await expectConforming('/api/chat/ui', 'POST', postJson('/api/chat/ui', ui(EXAMPLE)), 200);
      expect(turn.text.endsWith('data: [DONE]\n\n')).toBe(true);
      const types = itemsOf('text/event-stream', turn.text).map((chunk) => (chunk as { type: string }).type);
      expect(types).toEqual(
        expect.arrayContaining([
          'start',
          'tool-input-available',
          'tool-output-available',
          'text-delta',
          'finish',
        ]),
      );
      const failed = await expectConforming(
        '/api/chat/ui',
        'POST',
        postJson('/api/chat/ui', ui('a long answer please [sim:mid-stream-error]')),
        200,
      );
      expect(itemsOf('text/event-stream', failed.text).at(-1)).toMatchObject({ type: 'error' });
      await expectConforming(
        '/api/chat/ui',
        'POST',
        postJson('/api/chat/ui', { id: 'x', messages: [] }),
        400,
      );
    });

    it('POST /api/openai/v1/chat/completions: a completion, its chunks, and OpenAI error objects', async () => {
      const path = '/api/openai/v1/chat/completions';
      const messages = [{ role: 'user', content: 'Hello' }];
      await expectConforming(path, 'POST', postJson(path, { model: 'chat', messages }), 200);
      const streamed = await expectConforming(
        path,
        'POST',
        postJson(path, { model: 'chat', messages, stream: true, stream_options: { include_usage: true } }),
        200,
      );
      expect(streamed.text.endsWith('data: [DONE]\n\n')).toBe(true);
      const failed = await expectConforming(
        path,
        'POST',
        postJson(path, {
          model: 'chat',
          stream: true,
          messages: [{ role: 'user', content: 'long [sim:mid-stream-error]' }],
        }),
        200,
      );
      expect(itemsOf('text/event-stream', failed.text).at(-1)).toMatchObject({
        error: { type: 'server_error' },
      });
      const invalid = await expectConforming(
        path,
        'POST',
        postJson(path, { model: 'chat', messages: [] }),
        400,
      );
      expect(bodyOf(invalid)).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages' } });
      await expectConforming(path, 'POST', postJson(path, { model: 'gpt-unknown', messages }), 404);
      await expectConforming(
        path,
        'POST',
        postJson(path, { model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(5000) }] }),
        413,
      );
      await expectConforming(path, 'POST', send(path, asUser({ method: 'POST', body: 'hello' })), 415);
      const busy = await expectConforming(
        path,
        'POST',
        postJson(path, {
          model: 'chat',
          messages: [{ role: 'user', content: 'hello [sim:retry-after:86400]' }],
        }),
        503,
      );
      expect(busy.headers.get('retry-after')).toBe('86400');
    });

    it('GET /api/openai/v1/models: the deployments', async () => {
      const models = await expectConforming(
        '/api/openai/v1/models',
        'GET',
        send('/api/openai/v1/models', asUser()),
        200,
      );
      expect(bodyOf(models)).toEqual({
        object: 'list',
        data: [expect.objectContaining({ id: 'chat', object: 'model' })],
      });
    });

    it('POST /api/completions: an answer and its errors', async () => {
      await expectConforming('/api/completions', 'POST', postJson('/api/completions', { prompt: 'Hi' }), 200);
      await expectConforming('/api/completions', 'POST', postJson('/api/completions', { prompt: '  ' }), 400);
      await expectConforming(
        '/api/completions',
        'POST',
        postJson('/api/completions', { prompt: 'x'.repeat(5000) }),
        413,
      );
      await expectConforming(
        '/api/completions',
        'POST',
        send(
          '/api/completions',
          asUser({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Hi' }),
        ),
        415,
      );
    });

    it('GET and DELETE /api/conversations[/{id}]: pages, a conversation with tool messages, and their errors', async () => {
      const chat = await postJson('/api/chat', { message: EXAMPLE });
      const { conversationId } = bodyOf(chat) as { conversationId: string };
      await postJson('/api/chat', { message: 'and another one', conversationId });

      const page = await expectConforming(
        '/api/conversations',
        'GET',
        send('/api/conversations?pageSize=1', asUser()),
        200,
      );
      const { continuationToken } = bodyOf(page) as { continuationToken?: string };
      expect(continuationToken).toEqual(expect.any(String));
      await expectConforming(
        '/api/conversations',
        'GET',
        send(
          `/api/conversations?pageSize=1&continuationToken=${encodeURIComponent(continuationToken ?? '')}`,
          asUser(),
        ),
        200,
      );
      await expectConforming(
        '/api/conversations',
        'GET',
        send('/api/conversations?pageSize=0', asUser()),
        400,
      );
      await expectConforming(
        '/api/conversations',
        'GET',
        send('/api/conversations?continuationToken=nonsense', asUser()),
        400,
      );

      const path = '/api/conversations/{id}';
      const detail = await expectConforming(
        path,
        'GET',
        send(`/api/conversations/${conversationId}`, asUser()),
        200,
      );
      const roles = (bodyOf(detail) as { messages: { role: string }[] }).messages.map(
        (message) => message.role,
      );
      expect(roles).toEqual(expect.arrayContaining(['user', 'assistant', 'tool']));
      await expectConforming(
        path,
        'GET',
        send(`/api/conversations/${conversationId}?pageSize=2`, asUser()),
        200,
      );
      await expectConforming(
        path,
        'GET',
        send(`/api/conversations/${conversationId}?pageSize=abc`, asUser()),
        400,
      );
      await expectConforming(path, 'GET', send('/api/conversations/no-such-conversation', asUser()), 404);
      await expectConforming(path, 'GET', send('/api/conversations/not.an.id', asUser()), 404);

      await expectConforming(
        path,
        'DELETE',
        send(`/api/conversations/${conversationId}`, asUser({ method: 'DELETE' })),
        204,
      );
      await expectConforming(
        path,
        'DELETE',
        send(`/api/conversations/${conversationId}`, asUser({ method: 'DELETE' })),
        404,
      );
    });

    it('POST /api/connectors/execute: a run that succeeds, one that fails, and the errors before any run', async () => {
      const path = '/api/connectors/execute';
      const runner = easyAuthHeaders('openapi-runner-1', { roles: ['Connectors.Run'] });
      const asRunner = (body: unknown, headers: Record<string, string> = runner) =>
        send(path, { method: 'POST', headers: { ...JSON_BODY, ...headers }, body: JSON.stringify(body) });
      const connector = (code: string, extra: Record<string, unknown> = {}) => ({
        connector: { runtime: { language: 'python', entryPoint: 'main.py' }, files: { 'main.py': code } },
        ...extra,
      });
      const ok = await expectConforming(
        path,
        'POST',
        asRunner(connector('print(\'{"ok": true, "result": [1, 2]}\')')),
        200,
      );
      expect(bodyOf(ok)).toMatchObject({ ok: true, result: [1, 2], exitCode: 0 });
      const failed = await expectConforming(path, 'POST', asRunner(connector('raise SystemExit(3)')), 200);
      expect(bodyOf(failed)).toMatchObject({
        ok: false,
        exitCode: 3,
        error: 'The connector exited with code 3',
      });
      await expectConforming(path, 'POST', asRunner(connector('import os\nos.environ["TOKEN"]')), 400);
      await expectConforming(path, 'POST', asRunner(connector('print(connector.auth.key)')), 400);
      await expectConforming(path, 'POST', asRunner(connector('x', { network_mode: 'host' })), 400);
      await expectConforming(path, 'POST', asRunner(connector('x'), USER), 403);
      await expectConforming(path, 'POST', asRunner(connector('x'.repeat(5000))), 413);
      await expectConforming(
        path,
        'POST',
        send(path, { method: 'POST', headers: { ...runner, 'content-type': 'text/plain' }, body: 'x' }),
        415,
      );
    });

    it('POST /api/batch-jobs and GET its status and results: accepted, finished with a success and a failure, and their errors', async () => {
      const items = ['Contoso has symbol CTS', 'Fabrikam [sim:reasoning-tokens:100000] has symbol FAB'];
      const accepted = await expectConforming(
        '/api/batch-jobs',
        'POST',
        postJson(
          '/api/batch-jobs',
          { items, schema: OUTPUT_SCHEMA, name: 'contract' },
          { 'idempotency-key': 'openapi-1' },
        ),
        202,
      );
      const { jobId } = bodyOf(accepted) as { jobId: string };
      expect(accepted.headers.get('location')).toBe(`/api/batch-jobs/${jobId}`);
      await expectConforming(
        '/api/batch-jobs',
        'POST',
        postJson('/api/batch-jobs', { items: [], schema: OUTPUT_SCHEMA }),
        400,
      );
      await expectConforming(
        '/api/batch-jobs',
        'POST',
        postJson('/api/batch-jobs', { items, schema: { type: 'string' } }),
        400,
      );
      await expectConforming(
        '/api/batch-jobs',
        'POST',
        postJson('/api/batch-jobs', { items, schema: OUTPUT_SCHEMA }, { 'idempotency-key': 'bad key' }),
        400,
      );
      await expectConforming(
        '/api/batch-jobs',
        'POST',
        postJson(
          '/api/batch-jobs',
          { items: ['other'], schema: OUTPUT_SCHEMA },
          { 'idempotency-key': 'openapi-1' },
        ),
        409,
      );
      await expectConforming(
        '/api/batch-jobs',
        'POST',
        postJson('/api/batch-jobs', { items: ['x'.repeat(5000)], schema: OUTPUT_SCHEMA }),
        413,
      );
      await expectConforming(
        '/api/batch-jobs',
        'POST',
        send(
          '/api/batch-jobs',
          asUser({ method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' }),
        ),
        415,
      );

      const statusPath = '/api/batch-jobs/{id}';
      await expectConforming(statusPath, 'GET', send(`/api/batch-jobs/${jobId}`, asUser()), 200);
      await waitFor(
        async () =>
          (bodyOf(await send(`/api/batch-jobs/${jobId}`, asUser())) as { pending: number }).pending === 0,
        60_000,
        `batch job ${jobId}`,
      );
      const finished = await expectConforming(
        statusPath,
        'GET',
        send(`/api/batch-jobs/${jobId}`, asUser()),
        200,
      );
      expect(bodyOf(finished)).toMatchObject({ status: 'completed_with_errors', succeeded: 1, failed: 1 });
      await expectConforming(statusPath, 'GET', send('/api/batch-jobs/no-such-job-123', asUser()), 404);

      const resultsPath = '/api/batch-jobs/{id}/results';
      const results = await expectConforming(
        resultsPath,
        'GET',
        send(`/api/batch-jobs/${jobId}/results`, asUser()),
        200,
      );
      const outcomes = (bodyOf(results) as { items: { output?: unknown; error?: string }[] }).items;
      expect(outcomes.map((item) => (item.error === undefined ? 'output' : 'error'))).toEqual([
        'output',
        'error',
      ]);
      await expectConforming(
        resultsPath,
        'GET',
        send(`/api/batch-jobs/${jobId}/results?pageSize=1000`, asUser()),
        400,
      );
      await expectConforming(
        resultsPath,
        'GET',
        send('/api/batch-jobs/no-such-job-123/results', asUser()),
        404,
      );
    }, 90_000);
  });
});
