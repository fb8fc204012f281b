import { OpenAI } from 'openai';

import { startIsolatedStack } from '../dev/stack/isolated-stack';
import { type BenchResult, percentile, round, timeIt } from './measure';

const REQUESTS = 200;
const WARMUP = 20;
const TTFT_MS = 20;

/**
 * The app's added latency on POST /api/completions: the same prompt through the local host and through a
 * direct `openai` SDK call to the same model simulator (a reasoning deployment on the v1 API, the body the
 * app sends), interleaved so both see the same machine load.
 */
export async function benchCompletionsOverhead(): Promise<BenchResult> {
  const apiKey = 'bench-key';
  const stack = await startIsolatedStack({ model: { apiKey, timeToFirstTokenMs: TTFT_MS } });
  try {
    // A per-minute quota the run never reaches: the quota's hot path (its cache) is measured, not its 429.
    const host = await stack.startHost({ LOG_LEVEL: 'warn', QUOTA_REQUESTS_PER_MINUTE: '1000000' });
    const model = stack.model;
    if (model === undefined) throw new Error('the model simulator did not start');
    const client = new OpenAI({
      baseURL: `${model.url}/openai/v1/`,
      apiKey,
      defaultHeaders: { 'api-key': apiKey, Authorization: null },
      maxRetries: 0,
    });
    const prompt = 'Explain Azure Functions in one sentence.';
    const direct = () =>
      client.chat.completions.create({
        model: 'chat',
        messages: [
          { role: 'developer', content: 'You are a helpful assistant. Answer clearly and concisely.' },
          { role: 'user', content: prompt },
        ],
        max_completion_tokens: 2048,
        reasoning_effort: 'low',
      });
    const viaApp = async () => {
      const response = await fetch(`${host.url}/api/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt }),
      });
      if (response.status !== 200) throw new Error(`completions answered ${response.status}`);
      await response.json();
    };
    for (let i = 0; i < WARMUP; i++) {
      await direct();
      await viaApp();
    }
    const directMs: number[] = [];
    const appMs: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      directMs.push(await timeIt(direct));
      appMs.push(await timeIt(viaApp));
    }
    const figures = {
      directP50Ms: round(percentile(directMs, 50)),
      directP99Ms: round(percentile(directMs, 99)),
      appP50Ms: round(percentile(appMs, 50)),
      appP99Ms: round(percentile(appMs, 99)),
    };
    return {
      name: 'completions overhead',
      ratioOf: 'app p50 / direct SDK p50 (p99 ratio in figures)',
      ratio: round(figures.appP50Ms / figures.directP50Ms),
      inputs: {
        requests: REQUESTS,
        warmup: WARMUP,
        simulatorTimeToFirstTokenMs: TTFT_MS,
        deployment: 'reasoning (gpt-5.4-mini profile), v1 API',
      },
      figures: {
        ...figures,
        addedP50Ms: round(figures.appP50Ms - figures.directP50Ms),
        addedP99Ms: round(figures.appP99Ms - figures.directP99Ms),
        p99Ratio: round(figures.appP99Ms / figures.directP99Ms),
      },
    };
  } finally {
    await stack.stop();
  }
}
