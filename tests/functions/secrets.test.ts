/**
 * Every secret setting holds a sentinel (or, where the stack needs the real value, the stack's own value,
 * looked for just the same). Every route is called on its success and error paths, with upstreams that
 * fail and upstreams that echo the key back; no response body, response header or log line may hold a
 * secret, raw or encoded.
 */
import type { LocalHostProcess } from '../../dev/stack/local-host-process';
import { settings } from '../../src/shared/config/settings';
import { easyAuthHeaders } from '../support/identity';
import { startTestStack, type TestStack } from '../support/test-stack';

const MODEL_KEY = 'sentinel-model-key-7f3a9c41';
const WRONG_MODEL_KEY = 'sentinel-wrong-model-key-21b8e5';
const WRONG_AML_KEY = 'sentinel-wrong-aml-key-c04e77';
const COSMOS_KEY = 'sentinel-cosmos-key-5e6d02';
// The exporter accepts only a GUID as instrumentation key ("5ec2e7" reads "secret").
const INSIGHTS_KEY = '5ec2e700-5ec2-4e70-8e70-5ec2e7000001';
// A well-formed connection string whose ingestion endpoint refuses connections: telemetry exports nowhere.
const INSIGHTS = `InstrumentationKey=${INSIGHTS_KEY};IngestionEndpoint=http://127.0.0.1:9/`;

const USER = easyAuthHeaders('secrets-user-0001', { roles: ['admin', 'Connectors.Run'] });
const CONNECTOR_SECRET = 'sentinel-connector-secret-9a41d3';
const EXAMPLE =
  'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?';

interface Seen {
  readonly what: string;
  readonly status: number;
  readonly text: string;
}

describe('secrets never leave the app', () => {
  let stack: TestStack;
  /** Every secret value of the run, by what it is. */
  let secrets: Record<string, string>;
  /** Every response of the run: status line, headers and body as text. */
  const seen: Seen[] = [];
  /** Every host of the run (a stopped host keeps what it printed). */
  const hosts: { name: string; host: LocalHostProcess }[] = [];
  let base = '';

  const call = async (
    what: string,
    path: string,
    init: RequestInit = {},
  ): Promise<Seen & { json: unknown }> => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { ...USER, ...(init.headers as Record<string, string> | undefined) },
    });
    const text = await response.text();
    const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
    const result = { what, status: response.status, text: `${headers}\n\n${text}` };
    seen.push(result);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { ...result, json };
  };
  const post = (what: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(what, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const startHost = async (name: string, extra: Record<string, string>) => {
    if (hosts.length > 0) await stack.host().stop();
    const host = await stack.startHost({ AUTH_MODE: 'easyauth', AZURE_OPENAI_MAX_RETRIES: '1', ...extra });
    hosts.push({ name, host });
    base = host.url;
  };
  const outputs = () => hosts.map(({ name, host }) => ({ host: name, output: host.output() }));

  beforeAll(async () => {
    stack = await startTestStack({ model: { apiKey: MODEL_KEY } });
    const storage = stack.env.AzureWebJobsStorage ?? '';
    secrets = {
      AZURE_OPENAI_API_KEY: stack.env.AZURE_OPENAI_API_KEY ?? '',
      WRONG_MODEL_KEY,
      AML_API_KEY: stack.env.AML_API_KEY ?? '',
      WRONG_AML_KEY,
      'COSMOS_KEY (emulator)': stack.env.COSMOS_KEY ?? '',
      COSMOS_KEY,
      AzureWebJobsStorage: storage,
      'AzureWebJobsStorage AccountKey': /AccountKey=([^;]+)/.exec(storage)?.[1] ?? '',
      APPLICATIONINSIGHTS_CONNECTION_STRING: INSIGHTS,
      'APPLICATIONINSIGHTS InstrumentationKey': INSIGHTS_KEY,
      CONNECTORS_SESSIONS_TOKEN: stack.env.CONNECTORS_SESSIONS_TOKEN ?? '',
      'a connector env value': CONNECTOR_SECRET,
    };
  }, 120_000);
  afterAll(() => stack.stop());

  it('when the secret settings are listed, then this test gives each a sentinel or checks its stack value', () => {
    const secretSettings = Object.entries(settings)
      .filter(([, setting]) => (setting as { secret?: boolean }).secret === true)
      .map(([name]) => name);
    expect(secretSettings.sort()).toEqual(
      [
        'AML_API_KEY',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
        'AZURE_OPENAI_API_KEY',
        'AzureWebJobsStorage',
        'COSMOS_KEY',
        'CONNECTORS_SESSIONS_TOKEN',
      ].sort(),
    );
    expect(secrets.AZURE_OPENAI_API_KEY).toBe(MODEL_KEY);
    for (const [name, value] of Object.entries(secrets))
      expect([name, value.length >= 8]).toEqual([name, true]);
  });

  it('when every route runs with the real keys, then each succeeds and fails where it should', async () => {
    await startHost('real keys', {
      APPLICATIONINSIGHTS_CONNECTION_STRING: INSIGHTS,
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      CONNECTORS_ENABLED: 'true',
    });
    expect((await call('health', '/api/health')).status).toBe(200);
    expect((await call('deep health', '/api/health?deep=true')).status).toBe(200);
    const config = await call('config-info', '/api/config/info');
    expect(config.status).toBe(200);
    expect(config.json).toMatchObject({
      AZURE_OPENAI_API_KEY: { set: true },
      APPLICATIONINSIGHTS_CONNECTION_STRING: { set: true },
    });
    expect((await call('openapi', '/api/openapi.json')).status).toBeLessThan(500);

    const chat = await post('chat with a tool', '/api/chat', { message: EXAMPLE });
    expect(chat.status).toBe(200);
    expect(chat.text).toContain('predict_customer');
    const conversationId = (chat.json as { conversationId: string }).conversationId;
    expect((await post('chat as events', '/api/chat', { message: EXAMPLE, stream: true })).text).toContain(
      'tool_result',
    );
    expect((await post('chat stream', '/api/chat/stream', { message: EXAMPLE })).text).toContain('tool_call');
    expect((await post('completions', '/api/completions', { prompt: 'Hi' })).status).toBe(200);
    expect((await call('conversations', '/api/conversations')).status).toBe(200);
    expect((await call('conversation', `/api/conversations/${conversationId}`)).status).toBe(200);

    const job = await post('batch job', '/api/batch-jobs', {
      items: ['one', { text: 'two' }],
      schema: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] },
    });
    expect(job.status).toBe(202);
    const jobId = (job.json as { jobId: string }).jobId;
    await waitForJob(jobId);
    expect((await call('batch results', `/api/batch-jobs/${jobId}/results`)).status).toBe(200);
    expect(
      (await call('conversation delete', `/api/conversations/${conversationId}`, { method: 'DELETE' }))
        .status,
    ).toBe(204);

    // Error paths.
    expect((await post('not JSON', '/api/chat', '{"message":')).status).toBe(400);
    expect((await post('wrong type', '/api/chat', 'hi', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('too large', '/api/completions', { prompt: 'x'.repeat(1_100_000) })).status).toBe(413);
    expect((await call('unknown', '/api/no-such-route')).status).toBe(404);
    expect((await call('wrong method', '/api/chat')).status).toBe(405);
    expect((await call('gone', `/api/conversations/${conversationId}`)).status).toBe(404);
    expect((await call('bad token', '/api/conversations?continuationToken=abc')).status).toBe(400);
    expect(
      (await call('no identity', '/api/conversations', { headers: { 'x-ms-client-principal-id': 'x' } }))
        .status,
    ).toBe(401);
    stack.model?.configure({ failureRate500: 1 });
    expect((await post('model down', '/api/completions', { prompt: 'Hi' })).status).toBe(503);
    stack.model?.configure({ failureRate500: 0 });
    // Upstreams that echo the key they were sent: the app must not pass it on.
    stack.model?.scriptNext({
      status: 401,
      body: { error: { code: '401', message: `Access denied: key ${MODEL_KEY} is not valid` } },
    });
    expect((await post('model echoes its key', '/api/completions', { prompt: 'Hi' })).status).toBe(502);
    stack.model?.scriptNext({
      status: 400,
      body: { error: { code: 'bad_request', message: `bad request with ${MODEL_KEY}` } },
    });
    expect((await post('model echoes its key on 400', '/api/chat', { message: 'Hi' })).status).toBe(502);
    stack.scoring?.scriptNext({
      status: 500,
      body: `scoring failed for Bearer ${secrets.AML_API_KEY ?? ''}`,
    });
    expect((await post('scoring echoes its key', '/api/chat', { message: EXAMPLE })).status).toBe(200);
    const connector = (code: string) => ({
      connector: { runtime: { language: 'python', entryPoint: 'main.py' }, files: { 'main.py': code } },
      env: { API_SECRET: CONNECTOR_SECRET },
    });
    const printed = 'import os\nprint(os.environ["API_SECRET"])\nprint(\'{"ok": true}\')';
    expect(
      (await post('connector printing its secret', '/api/connectors/execute', connector(printed))).status,
    ).toBe(200);
    expect(
      (
        await post(
          'connector failing with its secret',
          '/api/connectors/execute',
          connector('import os\nraise SystemExit(os.environ["API_SECRET"])'),
        )
      ).status,
    ).toBe(200);
    stack.sandbox?.scriptNext({
      status: 401,
      body: {
        error: { code: 'Unauthorized', message: `token ${secrets.CONNECTORS_SESSIONS_TOKEN ?? ''} refused` },
      },
    });
    expect(
      (await post('sandbox echoes its token', '/api/connectors/execute', connector(printed))).status,
    ).toBe(502);
    const midway = await post('stream fails midway', '/api/chat/stream', {
      message: 'Hello there [sim:mid-stream-error]',
    });
    expect(midway.status).toBe(200);
    expect(midway.text).toContain('"error"');
  }, 60_000);

  it('when the model echoes its key in an error code, then the 502 does not repeat it', async () => {
    stack.model?.scriptNext({ status: 400, body: { error: { code: `bad_${MODEL_KEY}`, message: 'bad' } } });
    const response = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...USER },
      body: JSON.stringify({ message: 'Hi' }),
    });
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain(MODEL_KEY);
  });

  it('when the scoring key is wrong and Cosmos has a sentinel key, then chat still answers and the keys stay hidden', async () => {
    await startHost('wrong AML key', {
      AML_API_KEY: WRONG_AML_KEY,
      COSMOS_KEY,
      APPLICATIONINSIGHTS_CONNECTION_STRING: INSIGHTS,
    });
    const chat = await post('chat with a failing tool', '/api/chat', { message: EXAMPLE });
    expect(chat.status).toBe(200);
    expect(chat.text).toMatch(/401|scoring/i);
    expect((await post('stream with a failing tool', '/api/chat/stream', { message: EXAMPLE })).status).toBe(
      200,
    );
    expect((await call('deep health', '/api/health?deep=true')).status).toBe(200);
    expect((await call('config-info', '/api/config/info')).status).toBe(200);
    expect((await call('conversations', '/api/conversations')).status).toBe(200);
  }, 60_000);

  it('when the model key is wrong, then every model route fails with 502 and the key stays hidden', async () => {
    await startHost('wrong model key', {
      AZURE_OPENAI_API_KEY: WRONG_MODEL_KEY,
      APPLICATIONINSIGHTS_CONNECTION_STRING: INSIGHTS,
    });
    expect((await post('chat', '/api/chat', { message: 'Hi' })).status).toBe(502);
    expect((await post('chat as events', '/api/chat', { message: 'Hi', stream: true })).status).toBe(502);
    expect((await post('chat stream', '/api/chat/stream', { message: 'Hi' })).status).toBe(502);
    expect((await post('completions', '/api/completions', { prompt: 'Hi' })).status).toBe(502);
    expect((await call('deep health', '/api/health?deep=true')).status).toBe(503);
    const job = await post('batch job', '/api/batch-jobs', { items: ['one'], schema: { type: 'object' } });
    const jobId = (job.json as { jobId: string }).jobId;
    // The worker's model call fails: the delivery fails and the queue will retry it (too late for this test).
    await waitFor(() => /batch-items.*(will be retried|host will retry)/.test(stack.host().output()));
    expect((await call('batch status', `/api/batch-jobs/${jobId}`)).status).toBe(200);
    expect((await call('batch results', `/api/batch-jobs/${jobId}/results`)).status).toBe(200);
  }, 60_000);

  it('when the runs are over, then the host output is there to search and holds every route', () => {
    expect(outputs().map((entry) => entry.host)).toEqual(['real keys', 'wrong AML key', 'wrong model key']);
    for (const { output } of outputs()) {
      expect(output.length).toBeGreaterThan(1_000);
      expect(output).toMatch(/"message":"request"|INFO request /);
    }
    const routes = new Set(
      [
        ...outputs()
          .map((entry) => entry.output)
          .join('\n')
          .matchAll(/functionName[=":]+([\w-]+)/g),
      ].map((m) => m[1]),
    );
    expect([...routes].sort()).toEqual(
      expect.arrayContaining([
        'batch-items',
        'batch-jobs-get',
        'batch-jobs-post',
        'batch-jobs-results-get',
        'chat',
        'chat-stream',
        'completions',
        'config-info',
        'connectors-execute',
        'conversations-delete',
        'conversations-get',
        'conversations-list',
        'health',
        'not-found',
      ]),
    );
    // The search itself works: a correlation id of a response is found in the log.
    const correlationId = /"correlationId":"([^"]+)"/.exec(
      seen.find((entry) => entry.status === 404)?.text ?? '',
    )?.[1];
    expect(correlationId).toBeDefined();
    expect(outputs().some(({ output }) => output.includes(correlationId ?? '?'))).toBe(true);
  });

  it('when every response and log line is searched, then no secret appears in any form', () => {
    const places = [
      ...seen.map((entry) => ({ where: `response of ${entry.what} (${entry.status})`, text: entry.text })),
      ...outputs().map((entry) => ({ where: `output of the host with ${entry.host}`, text: entry.output })),
    ];
    expect(places.length).toBeGreaterThan(40);
    // The search finds a planted secret, in each form.
    const planted = formsOf(secrets.AzureWebJobsStorage ?? '').map((form) => ({
      where: 'a planted line',
      text: form,
    }));
    expect(leaksIn(planted, secrets).length).toBeGreaterThanOrEqual(planted.length);
    expect(leaksIn(places, secrets)).toEqual([]);
  });

  async function waitFor(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('not seen within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function waitForJob(jobId: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { json } = await call('batch status', `/api/batch-jobs/${jobId}`);
      const status = (json as { status?: string } | undefined)?.status;
      if (status === 'completed' || status === 'completed_with_errors') return;
      if (Date.now() > deadline) throw new Error(`batch job ${jobId} still ${String(status)} after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
});

function leaksIn(
  places: readonly { where: string; text: string }[],
  secrets: Record<string, string>,
): string[] {
  return places.flatMap(({ where, text }) =>
    Object.entries(secrets).flatMap(([name, value]) =>
      formsOf(value)
        .filter((form) => text.includes(form))
        .map((form) => `${name} in ${where}: ...${around(text, form)}...`),
    ),
  );
}

/** A secret as it could appear: raw, JSON-escaped, URL-encoded or base64. */
function formsOf(secret: string): string[] {
  return [
    ...new Set([
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    ]),
  ];
}

function around(text: string, form: string): string {
  const at = text.indexOf(form);
  return text.slice(Math.max(0, at - 80), at + form.length + 40).replaceAll(form, '<SECRET>');
}
