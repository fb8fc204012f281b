import { OpenAI } from 'openai';

import { startIsolatedStack } from '../dev/stack/isolated-stack';
import { type BenchResult, round } from './measure';

const ITEMS = Number(process.env.BENCH_BATCH_ITEMS ?? 300);
const RPM = 600;
const LATENCY_MS = 200;
const SCHEMA = {
  type: 'object',
  properties: { company_name: { type: 'string' }, stock_symbol: { type: 'string' }, ceo: { type: 'string' } },
  required: ['company_name', 'stock_symbol', 'ceo'],
};

const items = Array.from(
  { length: ITEMS },
  (_, index) => `Company ${index} trades as C${index}; its CEO is Person ${index}.`,
);

/**
 * Batch elapsed time against the quota: the simulator admits RPM requests a minute with a burst of RPM/6
 * (its token bucket), so the ideal time for N items is (N - burst) / (RPM / 60) plus one call's latency.
 * Next to it, the same items one after another, as a plain script would (a loop with backoff on errors).
 */
export async function benchBatchThroughput(): Promise<BenchResult> {
  const apiKey = 'bench-key';
  const stack = await startIsolatedStack({
    model: { apiKey, requestsPerMinute: RPM, timeToFirstTokenMs: LATENCY_MS },
  });
  try {
    const host = await stack.startHost({ LOG_LEVEL: 'warn' });
    const started = performance.now();
    const submitted = await fetch(`${host.url}/api/batch-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items, schema: SCHEMA, name: 'bench' }),
    });
    if (submitted.status !== 202) throw new Error(`submit answered ${submitted.status}`);
    const location = submitted.headers.get('location') ?? '';
    for (;;) {
      const status = (await (await fetch(`${host.url}${location}`)).json()) as {
        pending: number;
        failed: number;
      };
      if (status.pending === 0) {
        if (status.failed > 0) throw new Error(`${status.failed} items failed`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const batchSeconds = (performance.now() - started) / 1000;
    const rateLimited = stack.model?.stats().rateLimited ?? 0;

    // A plain script: one item after another, retrying with exponential backoff.
    stack.model?.configure({ requestsPerMinute: RPM });
    const client = new OpenAI({
      baseURL: `${stack.model?.url ?? ''}/openai/v1/`,
      apiKey,
      defaultHeaders: { 'api-key': apiKey, Authorization: null },
      maxRetries: 6,
    });
    const sequentialStarted = performance.now();
    for (const item of items) {
      await client.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: item }],
        tools: [{ type: 'function', function: { name: 'record_output', parameters: SCHEMA } }],
        tool_choice: { type: 'function', function: { name: 'record_output' } },
      });
    }
    const sequentialSeconds = (performance.now() - sequentialStarted) / 1000;

    const burst = Math.max(1, RPM / 6);
    const idealSeconds = Math.max(0, ITEMS - burst) / (RPM / 60) + LATENCY_MS / 1000;
    return {
      name: 'batch throughput',
      ratioOf: 'job elapsed time / the ideal time the quota allows',
      ratio: round(batchSeconds / idealSeconds),
      target: '≤ 1.15',
      inputs: {
        items: ITEMS,
        requestsPerMinute: RPM,
        burst,
        latencyMs: LATENCY_MS,
        deployment: 'reasoning (gpt-5.4-mini profile), v1 API, strict extraction',
      },
      figures: {
        idealSeconds: round(idealSeconds),
        batchSeconds: round(batchSeconds),
        sequentialSeconds: round(sequentialSeconds),
        sequentialOverBatch: round(sequentialSeconds / batchSeconds),
        rateLimitedResponses: rateLimited,
      },
    };
  } finally {
    await stack.stop();
  }
}
