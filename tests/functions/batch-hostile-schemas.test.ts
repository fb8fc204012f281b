import { z } from 'zod';

import { easyAuthHeaders } from '../support/identity';
import { getJson, startTestStack, type TestStack } from '../support/test-stack';

const owner = easyAuthHeaders('schema-owner-0001');

const jobStatus = z.object({ status: z.string(), succeeded: z.number(), failed: z.number() });

/**
 * Patterns that backtrack catastrophically in a backtracking engine (JavaScript's RegExp), each with an
 * input that makes them do so: nested quantifiers over the same characters, then a character that fails.
 */
const CATASTROPHIC = [
  { name: 'alpha', pattern: '^(a+)+$', value: `${'a'.repeat(25)}-` },
  { name: 'bravo', pattern: '^(a|aa)+$', value: `${'a'.repeat(34)}-` },
  { name: 'charlie', pattern: '^(a|a?)+$', value: `${'a'.repeat(21)}-` },
  { name: 'delta', pattern: '^(\\w+\\s?)*$', value: `${'word '.repeat(6)}word-` },
  {
    name: 'echo',
    pattern:
      '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
    value: `${'a'.repeat(28)}!`,
  },
];

async function post(base: string, body: unknown) {
  return getJson(`${base}/api/batch-jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...owner },
    body: JSON.stringify(body),
  });
}

async function waitForJob(base: string, jobId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await getJson(`${base}/api/batch-jobs/${jobId}`, { headers: owner });
    const status = jobStatus.parse(body);
    if (status.status.startsWith('completed') || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('batch schemas with hostile regular expressions', () => {
  let stack: TestStack;
  let base: string;

  beforeAll(async () => {
    stack = await startTestStack();
    base = (await stack.startHost({ AUTH_MODE: 'easyauth' })).url;
  });
  afterAll(() => stack.stop());

  it('when a job validates items against catastrophic patterns, then the event loop is never held for more than 50 ms and /api/health keeps answering', async () => {
    const schema = {
      type: 'object',
      properties: Object.fromEntries(
        CATASTROPHIC.map(({ name, pattern }) => [name, { type: 'string', pattern }]),
      ),
      required: CATASTROPHIC.map(({ name }) => name),
    };
    // A first, harmless job loads what any job needs (the SDKs, ajv, RE2): that one-time cost is not measured.
    const warmUp = await post(base, { items: ['alpha: "a"'], schema });
    await waitForJob(base, z.object({ jobId: z.string() }).parse(warmUp.body).jobId, 60_000);
    await fetch(`${base}/admin/event-loop`, { method: 'DELETE' });

    const items = [CATASTROPHIC.map(({ name, value }) => `${name}: "${value}"`).join(', ')];
    const submitted = await post(base, { items, schema });
    expect(submitted.status).toBe(202);
    const { jobId } = z.object({ jobId: z.string() }).parse(submitted.body);
    const latencies: number[] = [];
    const done = { value: false };
    const probing = (async () => {
      while (!done.value) {
        const started = performance.now();
        expect((await fetch(`${base}/api/health`)).status).toBe(200);
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const status = await waitForJob(base, jobId, 60_000);
    done.value = true;
    await probing;

    expect(status).toMatchObject({ status: 'completed_with_errors', failed: 1 });
    const { body } = await getJson(`${base}/admin/event-loop`);
    const loop = z.object({ maxBlockedMs: z.number(), ticks: z.number() }).parse(body);
    expect(loop.ticks).toBeGreaterThan(10);
    expect(loop.maxBlockedMs).toBeLessThan(50);
    // Seen from outside the round trips include the machine's load: before RE2 one of them took 3.5 s.
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
  }, 120_000);

  it('when a schema holds a pattern RE2 cannot express, then the submission is a 400 naming it', async () => {
    const { status, body } = await post(base, {
      items: ['x'],
      schema: { type: 'object', properties: { twice: { type: 'string', pattern: '^(a+)\\1$' } } },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: {
        code: 'invalid_schema',
        details: [{ path: 'schema.properties.twice.pattern', code: 'unsupported_pattern' }],
      },
    });
  });
});
