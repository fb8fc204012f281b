import { type ScoringSimulator, startScoringSimulator } from '../../dev/scoring-simulator';
import { type CustomerFeatures, toModelRow } from '../../src/shared/scoring/customer-features';
import { estimateSatisfaction } from '../../src/shared/scoring/heuristic';
import { type PayloadShape, toPayload } from '../../src/shared/scoring/payload-shapes';

const KEY = 'simulator-key-123';
const example: CustomerFeatures = {
  age: 32,
  travelType: 'Business travel',
  seatComfort: 4,
  cleanliness: 5,
  departureDelayMinutes: 10,
};
const unhappy: CustomerFeatures = { ...example, seatComfort: 1, cleanliness: 1, departureDelayMinutes: 300 };

let simulator: ScoringSimulator;

beforeAll(async () => {
  simulator = await startScoringSimulator({ apiKey: KEY });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(() => {
  simulator.configure({ apiKey: KEY, acceptShape: 'mlflow-split', delayMs: 0 });
  simulator.resetStats();
});

// null sends no Authorization header (undefined would pick the default).
function post(body: unknown, authorization: string | null = `Bearer ${KEY}`, url = simulator.url) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(authorization === null ? {} : { Authorization: authorization }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const split = (features: CustomerFeatures) => toPayload('mlflow-split', toModelRow(features));
const controlUrl = (path: string) => new URL(path, simulator.url).toString();

describe('scoring simulator', () => {
  test('when an MLflow split request carries the key, then it answers a bare array of labels with request ids', async () => {
    const response = await post(split(example));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(['satisfied']);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/score$/);
  });

  test('when a request holds several rows, then each label is the heuristic label of its row', async () => {
    const rows = [example, unhappy].map((features) => toModelRow(features));
    const body = {
      input_data: { columns: rows[0]?.columns, index: [0, 1], data: rows.map((row) => row.values) },
    };
    const response = await post(body);
    expect(await response.json()).toEqual([
      estimateSatisfaction(example).label,
      estimateSatisfaction(unhappy).label,
    ]);
    expect(estimateSatisfaction(unhappy).label).toBe('neutral or dissatisfied');
  });

  test.each([
    ['no Authorization header', null],
    ['a wrong key', 'Bearer not-the-key'],
    ['a key without the Bearer scheme', KEY],
  ])('when a request has %s, then it is refused with 401', async (_case, authorization) => {
    const response = await post(split(example), authorization);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('key_auth_access_denied');
    expect(response.headers.get('x-request-id')).not.toBeNull();
  });

  test('when no key is configured, then any bearer token is accepted but a missing one is not', async () => {
    simulator.configure({ apiKey: undefined });
    expect((await post(split(example), 'Bearer any-entra-token')).status).toBe(200);
    expect((await post(split(example), null)).status).toBe(401);
  });

  test.each([
    ['the seed mistake: a flat feature object', { Age: 32, 'Seat comfort': 4 }],
    ['records', toPayload('records', toModelRow(example))],
    ['the Inputs form', toPayload('inputs', toModelRow(example))],
  ])('when the body is %s, then the endpoint answers 424 the way Azure ML does', async (_case, body) => {
    const response = await post(body);
    expect(response.status).toBe(424);
    expect(response.headers.get('ms-azureml-model-error-statuscode')).toBe('400');
    expect(response.headers.get('ms-azureml-model-error-reason')).toBe('model_error');
    expect(await response.json()).toEqual({
      message: "A value is not provided for the 'input_data' parameter.",
    });
  });

  test.each<[PayloadShape, string]>([
    ['records', 'input_data'],
    ['data', 'data'],
    ['inputs', 'Inputs'],
  ])(
    'when it simulates a scoring script taking %s, then that shape is scored and the split form is not',
    async (shape, parameter) => {
      simulator.configure({ acceptShape: shape });
      const accepted = await post(toPayload(shape, toModelRow(example)));
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toEqual(['satisfied']);
      const refused = await post(split(example));
      expect(refused.status).toBe(424);
      expect(await refused.json()).toEqual({
        message: `A value is not provided for the '${parameter}' parameter.`,
      });
    },
  );

  test('when a column is missing or unknown, then the 424 message names it', async () => {
    const row = toModelRow(example);
    const columns = row.columns.map((column) => (column === 'Cleanliness' ? 'Cleanness' : column));
    const response = await post({ input_data: { columns, index: [0], data: [row.values] } });
    expect(response.status).toBe(424);
    const { message } = (await response.json()) as { message: string };
    expect(message).toMatch(/missing columns: Cleanliness/);
    expect(message).toMatch(/unknown columns: Cleanness/);
  });

  test('when a value is out of range, then the 424 message names the column', async () => {
    const row = toModelRow(example);
    const values = row.values.map((value, index) => (row.columns[index] === 'Age' ? 300 : value));
    const response = await post({ input_data: { columns: row.columns, index: [0], data: [values] } });
    expect(response.status).toBe(424);
    expect(((await response.json()) as { message: string }).message).toMatch(/column 'Age'/);
  });

  test('when the body is not JSON, then it is a 424 and counted as invalid-json', async () => {
    expect((await post('{ not json')).status).toBe(424);
    expect(simulator.stats()).toEqual({ requests: 1, shapes: ['invalid-json'] });
  });

  test.each([
    ['GET', '/score'],
    ['POST', '/predict'],
    ['POST', '/'],
  ])('when %s %s is requested, then the answer is 404', async (method, path) => {
    const response = await fetch(controlUrl(path), { method, headers: { Authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-ms-request-id')).not.toBeNull();
  });

  test('when replies are scripted, then they are served in order before any key or shape check', async () => {
    simulator.scriptNext(
      { status: 429, headers: { 'retry-after': '3' }, body: { message: 'busy' } },
      { status: 503, body: 'down' },
    );
    const first = await post({ anything: true }, null);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(await first.json()).toEqual({ message: 'busy' });
    const second = await post(split(example));
    expect([second.status, await second.text()]).toEqual([503, 'down']);
    expect((await post(split(example))).status).toBe(200);
    expect(simulator.stats()).toEqual({ requests: 3, shapes: ['unknown', 'mlflow-split', 'mlflow-split'] });
  });

  test('when a delay is configured, then replies take at least that long', async () => {
    simulator.configure({ delayMs: 300 });
    const started = Date.now();
    await post(split(example));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('when it is closed while a delayed request is pending, then close resolves promptly', async () => {
    const other = await startScoringSimulator({ delayMs: 10_000 });
    const pending = post(split(example), 'Bearer x', other.url).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBe('aborted');
  });
});

describe('scoring simulator control routes', () => {
  test('when config, script, stats and reset are used over HTTP, then they steer the simulator', async () => {
    const configured = await fetch(controlUrl('/_simulator/config'), {
      method: 'PUT',
      body: JSON.stringify({ acceptShape: 'data', apiKey: null }),
    });
    expect(await configured.json()).toEqual({ acceptShape: 'data', delayMs: 0, apiKeySet: false });
    expect((await post(toPayload('data', toModelRow(example)), 'Bearer whatever')).status).toBe(200);

    const scripted = await fetch(controlUrl('/_simulator/script'), {
      method: 'POST',
      body: JSON.stringify([{ status: 503 }]),
    });
    expect(await scripted.json()).toEqual({ queued: 1 });
    expect((await post(split(example))).status).toBe(503);

    const stats = await fetch(controlUrl('/_simulator/stats'));
    expect(await stats.json()).toEqual({ requests: 2, shapes: ['data', 'mlflow-split'] });

    simulator.scriptNext({ status: 500 });
    expect((await fetch(controlUrl('/_simulator/reset'), { method: 'POST' })).status).toBe(204);
    expect(simulator.stats()).toEqual({ requests: 0, shapes: [] });
    expect((await post(toPayload('data', toModelRow(example)), 'Bearer whatever')).status).toBe(200);
  });

  test('when a control request is invalid, then it is a 400 and nothing changes', async () => {
    const response = await fetch(controlUrl('/_simulator/config'), {
      method: 'PUT',
      body: JSON.stringify({ acceptShape: 'csv' }),
    });
    expect(response.status).toBe(400);
    expect((await post(split(example))).status).toBe(200);
  });
});
