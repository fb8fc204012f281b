import type { ScoringSimulator } from '../../dev/scoring-simulator';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

// The chat endpoint against the scoring simulator: the model simulator calls predict_customer when the
// message gives every required feature, then answers "Summary of tool results: ..." over the results.

const QUESTION =
  'will a 32-year-old business traveller with seat comfort 4, cleanliness 5, 10 minutes departure delay be satisfied?';
const WRONG_KEY = 'wrong-sentinel-key-5d81c7e2a9';

interface ChatBody {
  readonly answer_md: string;
  readonly actions_result: readonly { tool: string; arguments: unknown; result: unknown }[];
}

let stack: TestStack;
let scoring: ScoringSimulator;
let base: string;

async function chat(message: string = QUESTION): Promise<{ status: number; body: ChatBody; text: string }> {
  const { status, body } = await getJson(`${base}/api/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message }),
  });
  return { status, body: body as ChatBody, text: JSON.stringify(body) };
}

/** The one action of a turn, asserting that there is exactly one. */
function onlyAction(body: ChatBody) {
  expect(body.actions_result).toHaveLength(1);
  return body.actions_result[0] ?? { tool: '', arguments: undefined, result: undefined };
}

/** The tool messages of the last request the model received: what the model was told. */
function toolMessagesSent(): string[] {
  return (stack.model?.recentRequests().at(-1)?.messages ?? [])
    .filter((message) => message.role === 'tool')
    .map((message) => JSON.stringify(message.content));
}

/** Stops the running host and starts a new one (fresh per-process memory) with these settings on top. */
async function restartHost(extra: Record<string, string> = {}): Promise<void> {
  await stack.host().stop();
  base = (await stack.startHost(extra)).url;
}

/** Back to the default simulator: the stack's key, MLflow split only, no delay, no scripted replies. */
async function resetScoring(): Promise<void> {
  const response = await fetch(scoring.url.replace(/\/score$/, '/_simulator/reset'), { method: 'POST' });
  expect(response.status).toBe(204);
  scoring.configure({ apiKey: stack.env.AML_API_KEY, acceptShape: 'mlflow-split', delayMs: 0 });
}

beforeAll(async () => {
  stack = await startTestStack();
  if (stack.scoring === undefined) throw new Error('the test stack has no scoring simulator');
  scoring = stack.scoring;
  base = (await stack.startHost()).url;
}, 60_000);

afterAll(() => stack.stop());

beforeEach(() => resetScoring());

describe('given the endpoint and key of the stack', () => {
  test('when the question gives every required feature, then predict_customer scores it with the endpoint', async () => {
    const { status, body } = await chat();

    expect(status).toBe(200);
    expect(onlyAction(body)).toMatchObject({
      tool: 'predict_customer',
      arguments: {
        age: 32,
        travelType: 'Business travel',
        seatComfort: 4,
        cleanliness: 5,
        departureDelayMinutes: 10,
      },
      result: {
        prediction: { label: 'satisfied', source: 'aml' },
        assumed: expect.arrayContaining(['gender', 'customerType']),
      },
    });
    expect(scoring.stats()).toEqual({ requests: 1, shapes: ['mlflow-split'] });
    expect(body.answer_md).toContain('predict_customer');
    expect(body.answer_md).toContain('"label":"satisfied"');
  });

  test('when the endpoint answers 429 once, then the scorer retries and the prediction succeeds', async () => {
    scoring.scriptNext({ status: 429, headers: { 'retry-after': '0' }, body: 'too many requests' });

    const { status, body } = await chat();

    expect(status).toBe(200);
    expect(onlyAction(body).result).toMatchObject({ prediction: { label: 'satisfied', source: 'aml' } });
    expect(scoring.stats().requests).toBe(2);
  });

  test('when the endpoint rejects every payload shape with 424, then the model gets the status, the container message and the shape, and the user no upstream text', async () => {
    const rejected = {
      status: 424,
      headers: { 'ms-azureml-model-error-statuscode': '400', 'ms-azureml-model-error-reason': 'model_error' },
      body: { message: "A value is not provided for the 'input_data' parameter." },
    };
    scoring.scriptNext(rejected, rejected, rejected, rejected);

    const { status, body } = await chat();

    expect(status).toBe(200);
    const { result } = onlyAction(body);
    expect(result).toMatchObject({
      error: 'scoring_failed',
      diagnostics: {
        error: 'the scoring endpoint rejected every payload shape',
        status: 424,
        shape: 'inputs',
        attempts: 4,
        hint: expect.stringContaining('Consume tab'),
      },
    });
    expect(JSON.stringify(result)).not.toContain('input_data');
    expect(toolMessagesSent()).toEqual([
      expect.stringContaining("A value is not provided for the 'input_data' parameter."),
    ]);
    expect(scoring.stats().shapes).toEqual(['mlflow-split', 'records', 'data', 'inputs']);
    expect(body.answer_md).toContain('scoring_failed');
  });

  test('when the model container fails with 424, then diagnostics name the container status and no other shape is tried', async () => {
    scoring.scriptNext({
      status: 424,
      headers: { 'ms-azureml-model-error-statuscode': '500', 'ms-azureml-model-error-reason': 'crash' },
      body: { message: 'ZeroDivisionError: division by zero' },
    });

    const { body } = await chat();

    expect(onlyAction(body).result).toMatchObject({
      error: 'scoring_failed',
      diagnostics: {
        status: 424,
        shape: 'mlflow-split',
        hint: expect.stringContaining('container status: 500'),
      },
    });
    expect(JSON.stringify(onlyAction(body).result)).not.toContain('ZeroDivisionError');
    expect(toolMessagesSent()).toEqual([expect.stringContaining('ZeroDivisionError')]);
    expect(scoring.stats().requests).toBe(1);
  });

  test('when the reply echoes the key, then neither the answer nor the host log contains it', async () => {
    const key = stack.env.AML_API_KEY ?? '';
    expect(key.length).toBeGreaterThan(8);
    scoring.scriptNext({ status: 401, body: `key_auth_access_denied: Bearer ${key} is not valid (${key})` });

    const { status, body, text } = await chat();

    expect(status).toBe(200);
    expect(onlyAction(body).result).toMatchObject({ error: 'scoring_failed', diagnostics: { status: 401 } });
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(key);
    expect(stack.host().output()).toContain('scoring failed');
    expect(stack.host().output()).not.toContain(key);
  });

  test('when the question names a statistic key, then get_stat answers it through the chat', async () => {
    const { status, body } = await chat('what is the satisfied_share statistic? key: satisfied_share');

    expect(status).toBe(200);
    expect(onlyAction(body)).toMatchObject({
      tool: 'get_stat',
      arguments: { key: 'satisfied_share' },
      result: {
        key: 'satisfied_share',
        value: 0.43,
        unit: 'share',
        note: expect.stringContaining('not real'),
      },
    });
    expect(body.answer_md).toContain('get_stat');
    expect(scoring.stats().requests).toBe(0);
  });
});

describe('given an endpoint that takes only records (a custom scoring script)', () => {
  beforeAll(() => restartHost(), 30_000);

  test('when predict_customer runs twice, then the first call falls back to records and the second sends records first', async () => {
    scoring.configure({ acceptShape: 'records' });

    const first = await chat();
    expect(onlyAction(first.body).result).toMatchObject({
      prediction: { label: 'satisfied', source: 'aml' },
    });
    expect(scoring.stats().shapes).toEqual(['mlflow-split', 'records']);

    const second = await chat();
    expect(onlyAction(second.body).result).toMatchObject({
      prediction: { label: 'satisfied', source: 'aml' },
    });
    expect(scoring.stats().shapes).toEqual(['mlflow-split', 'records', 'records']);
  });
});

describe('given a wrong AML_API_KEY', () => {
  beforeAll(() => restartHost({ AML_API_KEY: WRONG_KEY }), 30_000);

  test('when predict_customer runs, then the chat answers 200 with a 401 diagnosis, a hint, and no key anywhere', async () => {
    const { status, body, text } = await chat();

    expect(status).toBe(200);
    expect(onlyAction(body).result).toMatchObject({
      error: 'scoring_failed',
      diagnostics: { status: 401, hint: expect.stringContaining('AML_API_KEY') },
    });
    expect(toolMessagesSent()).toEqual([expect.stringContaining('key_auth_access_denied')]);
    expect(text).not.toContain(WRONG_KEY);
    expect(stack.host().output()).toContain('scoring failed');
    expect(stack.host().output()).not.toContain(WRONG_KEY);
  });
});

describe('given AML_TIMEOUT_MS 300 and no retries', () => {
  beforeAll(() => restartHost({ AML_TIMEOUT_MS: '300', AML_MAX_RETRIES: '0' }), 30_000);

  test('when the endpoint is slower than the timeout, then the chat still answers quickly with a timeout diagnosis', async () => {
    // Far slower than the timeout, so a generous bound (for a busy machine) still proves the cut.
    scoring.configure({ delayMs: 10_000 });

    const started = Date.now();
    const { status, body } = await chat();
    const elapsedMs = Date.now() - started;

    expect(status).toBe(200);
    expect(onlyAction(body).result).toMatchObject({
      error: 'scoring_failed',
      diagnostics: { error: 'no answer from the scoring endpoint within 300 ms', attempts: 1 },
    });
    expect(elapsedMs).toBeLessThan(6_000);
  });
});

describe('given no AML_SCORING_URI', () => {
  // An empty value counts as unset, over the stack's simulator URI.
  beforeAll(() => restartHost({ AML_SCORING_URI: '' }), 30_000);

  test('when predict_customer runs, then the heuristic answers and the endpoint is never called', async () => {
    const { status, body } = await chat();

    expect(status).toBe(200);
    expect(onlyAction(body).result).toMatchObject({
      prediction: { label: 'satisfied', source: 'heuristic', note: 'heuristic estimate, not a model' },
    });
    expect(scoring.stats().requests).toBe(0);
  });
});
