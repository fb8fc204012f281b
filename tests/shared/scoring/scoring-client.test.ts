import { type ScoringSimulator, startScoringSimulator } from '../../../dev/scoring-simulator';
import { createLogger, type Logger } from '../../../src/shared/logging/logger';
import type { CustomerFeatures } from '../../../src/shared/scoring/customer-features';
import type { ScoringOutcome } from '../../../src/shared/scoring/customer-scorer';
import { type AmlScorerOptions, createAmlScorer } from '../../../src/shared/scoring/scoring-client';

const KEY = 'sim-key-4f1d2c9a7b';
const TOKEN = 'eyJ0eXAiOiJKV1QifQ.entra-token-payload.signature';
const example: CustomerFeatures = {
  age: 32,
  travelType: 'Business travel',
  seatComfort: 4,
  cleanliness: 5,
  departureDelayMinutes: 10,
};
const inputRejected = {
  status: 424,
  headers: { 'ms-azureml-model-error-statuscode': '400', 'ms-azureml-model-error-reason': 'model_error' },
  body: { message: "A value is not provided for the 'input_data' parameter." },
};

let simulator: ScoringSimulator;
let logLines: string[];

function capturingLogger(): Logger {
  return createLogger({
    level: 'debug',
    format: 'json',
    redact: (text) => text,
    sink: (_level, line) => logLines.push(line),
  });
}

function scorerFor(overrides: Partial<AmlScorerOptions> = {}) {
  return createAmlScorer({
    scoringUri: simulator.url,
    apiKey: KEY,
    timeoutMs: 5_000,
    maxRetries: 2,
    maxRetryDelayMs: 5_000,
    getToken: () => Promise.reject(new Error('no token expected with a key')),
    log: capturingLogger(),
    ...overrides,
  });
}

function failure(outcome: ScoringOutcome) {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.diagnostics;
}

beforeAll(async () => {
  simulator = await startScoringSimulator({ apiKey: KEY });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(() => {
  logLines = [];
  simulator.configure({ apiKey: KEY, acceptShape: 'mlflow-split', delayMs: 0 });
  simulator.resetStats();
});

describe('Azure ML scorer against the scoring simulator', () => {
  test('when the endpoint takes the MLflow split form, then the label comes back from "aml" after one request', async () => {
    const outcome = await scorerFor().score(example);
    expect(outcome).toEqual({
      ok: true,
      prediction: { label: 'satisfied', source: 'aml' },
      shape: 'mlflow-split',
    });
    expect(simulator.stats()).toEqual({ requests: 1, shapes: ['mlflow-split'] });
  });

  test('when the endpoint only takes records, then the client falls back to records and sends them first next time', async () => {
    simulator.configure({ acceptShape: 'records' });
    const scorer = scorerFor();

    const first = await scorer.score(example);
    expect(first).toMatchObject({ ok: true, prediction: { label: 'satisfied' }, shape: 'records' });
    expect(simulator.stats().shapes).toEqual(['mlflow-split', 'records']);

    const second = await scorer.score({
      ...example,
      seatComfort: 1,
      cleanliness: 1,
      departureDelayMinutes: 200,
    });
    expect(second).toMatchObject({
      ok: true,
      prediction: { label: 'neutral or dissatisfied' },
      shape: 'records',
    });
    expect(simulator.stats().shapes).toEqual(['mlflow-split', 'records', 'records']);
  });

  test('when the endpoint takes the Inputs form, then the client reaches it after trying each other shape once', async () => {
    simulator.configure({ acceptShape: 'inputs' });
    const outcome = await scorerFor().score(example);
    expect(outcome).toMatchObject({ ok: true, shape: 'inputs' });
    expect(simulator.stats().shapes).toEqual(['mlflow-split', 'records', 'data', 'inputs']);
  });

  test('when the key is wrong, then the outcome is a 401 with a hint about the key, without trying other shapes', async () => {
    const diagnostics = failure(await scorerFor({ apiKey: 'wrong-key-123456' }).score(example));
    expect(diagnostics).toMatchObject({ status: 401, attempts: 1, shape: 'mlflow-split' });
    expect(diagnostics.hint).toMatch(/check AML_API_KEY/);
    expect(simulator.stats().requests).toBe(1);
  });

  test('when the model container fails, then the diagnostics carry status, request id, error text and shape', async () => {
    simulator.scriptNext({
      status: 424,
      headers: { 'ms-azureml-model-error-statuscode': '500', 'ms-azureml-model-error-reason': 'model_error' },
      body: { message: 'Worker died: out of memory' },
    });
    const diagnostics = failure(await scorerFor().score(example));
    expect(diagnostics).toMatchObject({ status: 424, shape: 'mlflow-split', attempts: 1 });
    expect(diagnostics.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(diagnostics.errorText).toContain('out of memory');
    expect(diagnostics.hint).toMatch(/reason: model_error, container status: 500/);
  });

  test('when every payload shape is rejected, then the diagnostics name the last shape and the Consume tab', async () => {
    simulator.scriptNext(inputRejected, inputRejected, inputRejected, inputRejected);
    const diagnostics = failure(await scorerFor().score(example));
    expect(diagnostics).toMatchObject({ status: 424, shape: 'inputs', attempts: 4 });
    expect(diagnostics.error).toMatch(/rejected every payload shape/);
    expect(diagnostics.errorText).toContain('input_data');
    expect(diagnostics.hint).toMatch(/Consume tab/);
    expect(simulator.stats().shapes).toEqual(['mlflow-split', 'records', 'data', 'inputs']);
  });

  test('when the endpoint answers 429 once, then the client retries and succeeds', async () => {
    simulator.scriptNext({
      status: 429,
      headers: { 'retry-after': '0' },
      body: { message: 'Too many requests' },
    });
    const outcome = await scorerFor().score(example);
    expect(outcome).toMatchObject({ ok: true, prediction: { label: 'satisfied' } });
    expect(simulator.stats().requests).toBe(2);
  });

  test('when the endpoint answers 503 once without retry-after, then the client backs off, retries and succeeds', async () => {
    simulator.scriptNext({ status: 503, body: 'upstream connect error' });
    const outcome = await scorerFor().score(example);
    expect(outcome).toMatchObject({ ok: true, prediction: { label: 'satisfied' } });
    expect(simulator.stats().requests).toBe(2);
  });

  test('when the endpoint always answers 429, then the client gives up after maxRetries + 1 requests', async () => {
    const busy = { status: 429, headers: { 'retry-after': '0' }, body: { message: 'Too many requests' } };
    simulator.scriptNext(busy, busy, busy);
    const diagnostics = failure(await scorerFor({ maxRetries: 2 }).score(example));
    expect(diagnostics).toMatchObject({ status: 429, attempts: 3 });
    expect(diagnostics.hint).toMatch(/too many pending requests/);
    expect(simulator.stats().requests).toBe(3);
  });

  test('when retry-after asks for a second, then the client waits that long', async () => {
    simulator.scriptNext({ status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    expect(await scorerFor().score(example)).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test('when retry-after asks for longer than the cap, then the client waits only the cap', async () => {
    simulator.scriptNext({ status: 503, headers: { 'retry-after': '60' } });
    const started = Date.now();
    expect(await scorerFor({ maxRetryDelayMs: 100 }).score(example)).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('when the endpoint is slower than the timeout, then the outcome is a timeout error, quickly', async () => {
    simulator.configure({ delayMs: 3_000 });
    const started = Date.now();
    const diagnostics = failure(await scorerFor({ timeoutMs: 200 }).score(example));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(diagnostics).toMatchObject({ attempts: 1, shape: 'mlflow-split' });
    expect(diagnostics.error).toMatch(/no answer from the scoring endpoint within 200 ms/);
  });

  test("when the caller's signal aborts, then the outcome says the call was cancelled", async () => {
    simulator.configure({ delayMs: 3_000 });
    const diagnostics = failure(await scorerFor().score(example, AbortSignal.timeout(100)));
    expect(diagnostics.error).toMatch(/cancelled/);
  });

  test('when nothing listens at the URI, then the outcome says the endpoint could not be reached', async () => {
    const diagnostics = failure(await scorerFor({ scoringUri: 'http://127.0.0.1:1/score' }).score(example));
    expect(diagnostics.error).toMatch(/could not reach the scoring endpoint/);
  });

  test('when there is no key, then a Microsoft Entra token for https://ml.azure.com/.default is sent', async () => {
    simulator.configure({ apiKey: TOKEN });
    const getToken = jest.fn((_scope: string) => Promise.resolve(TOKEN));
    const outcome = await scorerFor({ apiKey: undefined, getToken }).score(example);
    expect(outcome).toMatchObject({ ok: true, prediction: { label: 'satisfied', source: 'aml' } });
    expect(getToken).toHaveBeenCalledWith('https://ml.azure.com/.default');
  });

  test('when no token can be had, then the outcome explains it and no request is sent', async () => {
    const getToken = () =>
      Promise.reject(new Error('CredentialUnavailableError: no managed identity endpoint'));
    const diagnostics = failure(await scorerFor({ apiKey: undefined, getToken }).score(example));
    expect(diagnostics).toMatchObject({ attempts: 0 });
    expect(diagnostics.error).toMatch(/Microsoft Entra token/);
    expect(simulator.stats().requests).toBe(0);
  });

  test('when the endpoint answers 200 with something that is not a prediction, then the outcome says so', async () => {
    simulator.scriptNext({ status: 200, body: { status: 'healthy' } });
    const diagnostics = failure(await scorerFor().score(example));
    expect(diagnostics).toMatchObject({ status: 200, errorText: '{"status":"healthy"}' });
    expect(diagnostics.error).toMatch(/no prediction/);
  });
});

describe('Azure ML scorer request', () => {
  test('when a deployment is set, then the request carries the headers and the MLflow split body', async () => {
    const requests: { url: string; init: RequestInit | undefined }[] = [];
    const fakeFetch: typeof fetch = (input, init) => {
      requests.push({ url: input instanceof Request ? input.url : input.toString(), init });
      return Promise.resolve(new Response('["satisfied"]', { status: 200 }));
    };
    const scorer = createAmlScorer({
      scoringUri: 'https://churn.westeurope.inference.ml.azure.com/score',
      apiKey: KEY,
      deployment: 'blue',
      timeoutMs: 1_000,
      maxRetries: 0,
      getToken: () => Promise.reject(new Error('unused')),
      fetch: fakeFetch,
      log: createLogger({ level: 'error', format: 'text', redact: (text) => text, sink: () => undefined }),
    });
    await scorer.score(example);

    const [request] = requests;
    expect(request?.url).toBe('https://churn.westeurope.inference.ml.azure.com/score');
    expect(request?.init?.method).toBe('POST');
    expect(request?.init?.headers).toMatchObject({
      'Content-Type': 'application/json',
      Authorization: `Bearer ${KEY}`,
      'azureml-model-deployment': 'blue',
    });
    const body = JSON.parse(request?.init?.body as string) as {
      input_data: { columns: string[]; index: number[]; data: unknown[][] };
    };
    expect(body.input_data.index).toEqual([0]);
    expect(body.input_data.columns).toHaveLength(22);
    expect(body.input_data.data[0]).toHaveLength(22);
  });

  test('when the scoring URI is an Azure OpenAI URL, then the failure hint says so', async () => {
    const scorer = createAmlScorer({
      scoringUri: 'https://my-aoai.openai.azure.com/openai/deployments/gpt-4o',
      apiKey: KEY,
      timeoutMs: 1_000,
      maxRetries: 0,
      getToken: () => Promise.reject(new Error('unused')),
      fetch: () =>
        Promise.resolve(
          new Response('{"error":{"code":"404","message":"Resource not found"}}', { status: 404 }),
        ),
      log: createLogger({ level: 'error', format: 'text', redact: (text) => text, sink: () => undefined }),
    });
    const diagnostics = failure(await scorer.score(example));
    expect(diagnostics.status).toBe(404);
    expect(diagnostics.hint).toMatch(/this is an Azure OpenAI URL; AML_SCORING_URI must be/);
  });
});

describe('Azure ML scorer secrecy', () => {
  const echoing = (secret: string) => ({
    status: 424,
    body: { message: `bad header Authorization: Bearer ${secret} (${secret})` },
  });

  test.each<[string, () => Promise<ScoringOutcome>]>([
    ['a wrong key', () => scorerFor({ apiKey: `${KEY}-wrong` }).score(example)],
    [
      'a container error echoing the key',
      () => {
        simulator.scriptNext(echoing(KEY));
        return scorerFor().score(example);
      },
    ],
    [
      'an unreadable reply echoing the key',
      () => {
        simulator.scriptNext({ status: 200, body: `key was ${KEY}` });
        return scorerFor().score(example);
      },
    ],
    [
      'every shape rejected, echoing the key',
      () => {
        const rejected = { ...inputRejected, body: { message: `input_data missing; key ${KEY}` } };
        simulator.scriptNext(rejected, rejected, rejected, rejected);
        return scorerFor().score(example);
      },
    ],
    [
      'retries exhausted',
      () => {
        const busy = { status: 429, headers: { 'retry-after': '0' }, body: `busy ${KEY}` };
        simulator.scriptNext(busy, busy, busy);
        return scorerFor().score(example);
      },
    ],
    [
      'a timeout',
      () => {
        simulator.configure({ delayMs: 2_000 });
        return scorerFor({ timeoutMs: 100 }).score(example);
      },
    ],
    ['an unreachable endpoint', () => scorerFor({ scoringUri: 'http://127.0.0.1:1/score' }).score(example)],
    [
      'an Entra token refused, echoed back',
      () => {
        simulator.scriptNext(echoing(TOKEN));
        return scorerFor({ apiKey: undefined, getToken: () => Promise.resolve(TOKEN) }).score(example);
      },
    ],
    [
      'a token request failing with the token in its message',
      () =>
        scorerFor({ apiKey: undefined, getToken: () => Promise.reject(new Error(`expired ${TOKEN}`)) }).score(
          example,
        ),
    ],
  ])(
    'when the call fails with %s, then neither the key nor a token appears in the diagnostics or logs',
    async (_case, run) => {
      const diagnostics = failure(await run());
      const exposed = JSON.stringify(diagnostics) + logLines.join('\n');
      expect(logLines.length).toBeGreaterThan(0);
      expect(exposed).not.toContain(KEY);
      expect(exposed).not.toContain(TOKEN);
      expect(exposed).not.toContain('entra-token-payload');
    },
  );
});
