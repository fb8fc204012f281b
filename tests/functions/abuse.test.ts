/**
 * Property-based abuse of every HTTP route through the local host (AUTH_MODE=easyauth): each generated
 * request must be answered 2xx (valid input) or 4xx with the error envelope and its correlation id, never
 * 5xx, never a stack trace, and within the timeout (a hang fails).
 *
 * More cases:   ABUSE_CASES=5000 npx jest tests/functions/abuse
 * Reproduce:    a failure prints fast-check's `{ seed, path }`; rerun that route alone with
 *               ABUSE_SEED=<seed> ABUSE_PATH=<path> npx jest tests/functions/abuse -t 'when <function name> gets'
 */
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

import fc from 'fast-check';
import { z } from 'zod';

import { functionTable, loadFunctionDefinitions } from '../../src/functions';
import {
  ABUSE_LIMITS,
  type AbuseFixtures,
  type HostileRequest,
  hostileRequestsByFunction,
  httpTrim,
} from '../support/hostile';
import { easyAuthHeaders } from '../support/identity';
import { getJson, repoRoot, startTestStack, type TestStack } from '../support/test-stack';

/** Total generated requests over all properties (default: well under a minute on 2 cores). */
const CASES = Number(process.env.ABUSE_CASES ?? 300);
const SEED = process.env.ABUSE_SEED === undefined ? undefined : Number(process.env.ABUSE_SEED);
const PATH = process.env.ABUSE_PATH;
const REQUEST_TIMEOUT_MS = 10_000;

/** Every HTTP function of the table is fuzzed, a new one included. */
const HTTP_FUNCTIONS = functionTable.filter((entry) => entry.kind === 'http').map(({ name }) => name);

/** The error shape of each function whose protocol has its own (OpenAI's), from its contract. */
async function errorFormats(): Promise<Map<string, z.ZodType>> {
  return new Map(
    (await loadFunctionDefinitions()).flatMap((definition) =>
      definition.kind === 'http' && definition.contract?.errorFormat !== undefined
        ? [[definition.name, definition.contract.errorFormat.schema] as const]
        : [],
    ),
  );
}

/** The share of the cases each property gets (1 unless named): body routes have the most ways to go wrong. */
const SHARES: Record<string, number> = {
  health: 1,
  'config-info': 1,
  openapi: 1,
  chat: 3,
  'chat-stream': 2,
  'chat-ui': 2,
  'openai-chat-completions': 3,
  'openai-models': 1,
  completions: 2,
  'conversations-list': 1,
  'conversations-get': 1,
  'conversations-delete': 1,
  'me-usage': 1,
  'batch-jobs-post': 3,
  'batch-jobs-get': 1,
  'batch-jobs-results-get': 1,
  'connectors-execute': 2,
  'not-found': 2,
  'truncated-transfer': 1,
};
const TOTAL_SHARES = Object.values(SHARES).reduce((sum, share) => sum + share, 0);
const runsOf = (name: string) => Math.max(1, Math.round((CASES * (SHARES[name] ?? 1)) / TOTAL_SHARES));
const timeLimitOf = (name: string) => 30_000 + runsOf(name) * 1_000;

const STACK_TRACE = [/(?:\n|\\n)\s+at .+\(/, /node:internal/, /\/work\//, new RegExp(escape(repoRoot))];
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const envelopeSchema = z.object({
  error: z.object({ code: z.string().min(1), message: z.string().min(1) }),
  correlationId: z.string().min(1),
});

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

describe('hostile requests to every route', () => {
  let stack: TestStack;
  let base: string;
  let fixtures: AbuseFixtures;
  let arbitraries: Record<string, fc.Arbitrary<HostileRequest>>;
  let formats: Map<string, z.ZodType>;

  beforeAll(async () => {
    formats = await errorFormats();
    stack = await startTestStack();
    const limits = Object.fromEntries(
      Object.entries(ABUSE_LIMITS).map(([name, value]) => [name, String(value)]),
    );
    base = (await stack.startHost({ AUTH_MODE: 'easyauth', CONNECTORS_ENABLED: 'true', ...limits })).url;
    fixtures = await createFixtures(base);
    arbitraries = await hostileRequestsByFunction(fixtures);
  }, 120_000);
  afterAll(() => stack.stop());

  it('when the host lists its HTTP functions, then each has a generator here', async () => {
    const { body } = await getJson(`${base}/admin/functions`);
    const served = z.array(z.object({ name: z.string(), trigger: z.string() })).parse(body);
    const http = served.filter((item) => item.trigger === 'httpTrigger').map((item) => item.name);
    expect([...http].sort()).toEqual(Object.keys(arbitraries).sort());
  });

  it.each(HTTP_FUNCTIONS)(
    'when %s gets hostile requests, then each answer is 2xx or a 4xx envelope: no 5xx, stack trace or hang',
    async (name) => {
      const arbitrary = arbitraries[name];
      if (arbitrary === undefined) throw new Error(`no generator for ${name}`);
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          expect(problemsOf(request, await send(base, request), formats.get(name))).toEqual([]);
        }),
        options(name),
      );
    },
    timeLimitOf('chat') + 10_000,
  );

  it(
    'when a client stops sending in the middle of a body, then the app does not count it as a server error',
    async () => {
      const truncated = fc.record({
        path: fc.constantFrom(
          '/api/chat',
          '/api/chat/stream',
          '/api/chat/ui',
          '/api/openai/v1/chat/completions',
          '/api/completions',
          '/api/batch-jobs',
        ),
        chunked: fc.boolean(),
        sentShare: fc.double({ min: 0, max: 0.95, noNaN: true }),
        pauseMs: fc.constantFrom(0, 20, 200),
        reset: fc.boolean(),
      });
      let sequence = 0;
      await fc.assert(
        fc.asyncProperty(truncated, async (cut) => {
          const requestId = `truncated-${process.pid}-${++sequence}`;
          await sendTruncated(new URL(base), { ...cut, requestId, identity: fixtures.owner });
          const status = await loggedStatus(stack, requestId);
          const unhandled = unhandledLines(stack.host().output(), requestId);
          expect({
            requestId,
            logged: status !== undefined,
            serverError: (status ?? 0) >= 500,
            unhandled,
          }).toEqual({
            requestId,
            logged: true,
            serverError: false,
            unhandled: [],
          });
        }),
        options('truncated-transfer'),
      );
    },
    timeLimitOf('truncated-transfer') + 10_000,
  );

  // A "$schema" ajv does not know used to make ajv.validateSchema throw (a 500); it is now a 400.
  it.each(['http://json-schema.org/draft-04/schema#', 'https://json-schema.org/draft/2020-12/schema', 'x'])(
    'when a batch job schema names the meta-schema %s, then the answer is not a 5xx',
    async (metaSchema) => {
      const { status } = await getJson(`${base}/api/batch-jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...fixtures.owner },
        body: JSON.stringify({ items: ['a'], schema: { $schema: metaSchema, type: 'object' } }),
      });
      expect(status).toBe(400);
    },
  );

  it('when the abuse is over, then the host still serves, the owner kept their data and nothing was unhandled', async () => {
    expect((await getJson(`${base}/api/health`)).status).toBe(200);
    const own = await getJson(`${base}/api/conversations/${fixtures.conversationId}`, {
      headers: fixtures.owner,
    });
    expect(own.status).toBe(200);
    const output = stack.host().output();
    expect(output).toMatch(/INFO request correlationId=/);
    expect(unhandledLines(output)).toEqual([]);
  });
});

function options(name: string): fc.Parameters<unknown> {
  return {
    numRuns: runsOf(name),
    ...(SEED === undefined ? {} : { seed: SEED }),
    ...(PATH === undefined ? {} : { path: PATH }),
    plugins: [fc.interruptAfterTimeLimit(timeLimitOf(name), { failOnInterrupt: true })],
  };
}

/** The owner's conversation and batch job, which the generators read (and must never reach as someone else). */
async function createFixtures(base: string): Promise<AbuseFixtures> {
  const owner = easyAuthHeaders('abuse-owner-0001');
  const post = (path: string, body: unknown) =>
    getJson(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...owner },
      body: JSON.stringify(body),
    });
  const chat = await post('/api/chat', { message: 'the owner asks' });
  const job = await post('/api/batch-jobs', {
    items: ['one'],
    schema: { type: 'object', properties: { label: { type: 'string' } } },
  });
  const ids = z
    .tuple([z.object({ conversationId: z.string() }), z.object({ jobId: z.string() })])
    .parse([chat.body, job.body]);
  return { owner, conversationId: ids[0].conversationId, jobId: ids[1].jobId };
}

/**
 * One request on a new connection. node:http rather than fetch: a server may answer (401, 413, 415) before
 * it has read the body and close the connection, and fetch then reports the failed write, not the answer.
 */
function send(base: string, request: HostileRequest): Promise<Answer | Error> {
  const { body, chunks } = request;
  return new Promise((resolve) => {
    let answered = false;
    const finish = (outcome: Answer | Error) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    const outgoing = httpRequest(new URL(request.path, base), {
      method: request.method,
      agent: false,
      headers: {
        ...request.headers,
        ...(body === undefined || chunks !== undefined ? {} : { 'content-length': String(body.byteLength) }),
      },
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish(new Error(`no complete answer within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
    outgoing.on('response', (incoming) => {
      answered = true;
      const parts: Buffer[] = [];
      // Streamed answers are read to their end, within the same timeout.
      incoming.on('data', (part: Buffer) => parts.push(part));
      incoming.on('end', () => {
        finish({
          status: incoming.statusCode ?? 0,
          headers: toHeaders(incoming),
          text: Buffer.concat(parts).toString(),
        });
      });
      incoming.on('error', (error) => {
        finish(new Error(`the answer broke off: ${error.message}`));
      });
    });
    outgoing.on('error', (error) => {
      if (!answered) finish(new Error(`the request failed: ${error.message}`));
    });
    if (body === undefined) outgoing.end();
    else if (chunks === undefined) outgoing.end(body);
    else {
      const size = Math.ceil(body.byteLength / chunks);
      for (let offset = 0; offset < body.byteLength; offset += size)
        outgoing.write(body.subarray(offset, offset + size));
      outgoing.end();
    }
  });
}

function toHeaders(incoming: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    for (const item of Array.isArray(value) ? value : [value ?? '']) headers.append(name, item);
  }
  return headers;
}

/**
 * Every rule the answer breaks, in words (empty when it is well-behaved). A route with an error format of
 * its own (OpenAI's) may answer in it, with the correlation id in X-Request-ID only.
 */
function problemsOf(request: HostileRequest, answer: Answer | Error, errorFormat?: z.ZodType): string[] {
  if (answer instanceof Error) return [answer.message];
  const problems: string[] = [];
  const { status, headers, text } = answer;
  const shown = `${status} ${text.slice(0, 300)}`;
  if (status >= 500) problems.push(`a server error: ${shown}`);
  if (request.expected !== undefined && !request.expected.includes(status))
    problems.push(`expected ${request.expected.join(' or ')}, got ${shown}`);
  const leaked = [text, ...[...headers.values()]].filter((part) =>
    STACK_TRACE.some((trace) => trace.test(part)),
  );
  if (leaked.length > 0) problems.push(`a stack trace or server path: ${leaked.join(' | ').slice(0, 500)}`);
  if (request.webApp === true) {
    if (status === 200 && !text.startsWith('<!doctype html>') && request.method === 'GET')
      problems.push(`not the web app's page: ${shown}`);
    return problems;
  }
  const requestId = headers.get('x-request-id');
  if (requestId === null || requestId === '') problems.push('no X-Request-ID');
  const sent = request.headers['x-request-id'];
  if (sent !== undefined && SANE_REQUEST_ID.test(httpTrim(sent)) && requestId !== httpTrim(sent))
    problems.push(`the sane X-Request-ID ${sent} came back as ${String(requestId)}`);
  if (status >= 400 && request.method !== 'HEAD') {
    const envelope = envelopeSchema.safeParse(parseJson(text));
    const ownFormat = errorFormat?.safeParse(parseJson(text)).success === true;
    if (ownFormat) return problems;
    if (!envelope.success) problems.push(`not the error envelope: ${shown}`);
    else if (envelope.data.correlationId !== requestId)
      problems.push(`correlationId ${envelope.data.correlationId} is not X-Request-ID ${String(requestId)}`);
  }
  if (status < 300) problems.push(...successProblems(headers.get('content-type') ?? '', text));
  return problems;
}

/** A 2xx body is JSON, JSON Lines or Server-Sent Events of JSON, with no masked failure inside. */
function successProblems(contentType: string, text: string): string[] {
  const frames = /ndjson|jsonl/.test(contentType)
    ? text.split('\n').filter((line) => line !== '')
    : contentType.includes('event-stream')
      ? text
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          // The end of an OpenAI or AI SDK stream, by their protocols.
          .filter((frame) => frame !== '[DONE]')
      : text === ''
        ? []
        : [text];
  return frames.flatMap((frame) => {
    const parsed = parseJson(frame);
    if (parsed === undefined) return [`a 2xx frame that is not JSON: ${frame.slice(0, 200)}`];
    return frame.includes('"internal_error"')
      ? [`a masked failure in a 2xx answer: ${frame.slice(0, 200)}`]
      : [];
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Sends the head and part of a body on a raw socket, then goes away (half-close or reset): what a client
 * that crashes or loses its network does. The host's own answer (its parser's 400) is not the app's.
 */
function sendTruncated(
  url: URL,
  cut: {
    path: string;
    chunked: boolean;
    sentShare: number;
    pauseMs: number;
    reset: boolean;
    requestId: string;
    identity: Readonly<Record<string, string>>;
  },
): Promise<void> {
  const body = JSON.stringify({
    message: 'a'.repeat(2_000),
    prompt: 'b',
    items: ['c'],
    schema: { type: 'object' },
  });
  const part = body.slice(0, Math.floor(body.length * cut.sentShare));
  const head = [
    `POST ${cut.path} HTTP/1.1`,
    `Host: ${url.host}`,
    'Content-Type: application/json',
    `X-Request-ID: ${cut.requestId}`,
    ...Object.entries(cut.identity).map(([name, value]) => `${name}: ${value}`),
    cut.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${Buffer.byteLength(body)}`,
  ].join('\r\n');
  const sent = cut.chunked && part !== '' ? `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n` : part;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`${head}\r\n\r\n${sent}`);
      setTimeout(() => (cut.reset ? socket.resetAndDestroy() : socket.end()), cut.pauseMs);
    });
    socket.on('data', () => undefined);
    socket.on('error', () => undefined); // a reset of our own making
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the host kept a cut-off request open for ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
  });
}

/** The status the app logged for a request, waiting for its log line. */
async function loggedStatus(stack: TestStack, requestId: string): Promise<number | undefined> {
  const line = new RegExp(`request correlationId=${escape(requestId)} .*status=(\\d+)`);
  const deadline = Date.now() + REQUEST_TIMEOUT_MS;
  for (;;) {
    const status = line.exec(stack.host().output())?.[1];
    if (status !== undefined || Date.now() > deadline)
      return status === undefined ? undefined : Number(status);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Log lines of masked server errors (all of them, or one request's). */
function unhandledLines(output: string, requestId?: string): string[] {
  return output
    .split('\n')
    .filter((line) => /unhandled error|status=5\d\d|local host failed to serve|chat stream failed/.test(line))
    .filter((line) => requestId === undefined || line.includes(`correlationId=${requestId} `));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
