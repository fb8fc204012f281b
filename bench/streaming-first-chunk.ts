import { startIsolatedStack } from '../dev/stack/isolated-stack';
import { type BenchResult, percentile, round } from './measure';

const REQUESTS = 40;
const TTFT_MS = 200;

/** Time to the first SSE chunk through the app, over the simulator's own time to first token. */
export async function benchStreamingFirstChunk(): Promise<BenchResult> {
  const stack = await startIsolatedStack({ model: { timeToFirstTokenMs: TTFT_MS, perTokenDelayMs: 5 } });
  try {
    const host = await stack.startHost({ LOG_LEVEL: 'warn' });
    const firstChunkMs: number[] = [];
    for (let i = 0; i < REQUESTS + 5; i++) {
      const started = performance.now();
      const response = await fetch(`${host.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Stream me a short answer please', stream: true }),
      });
      const reader = response.body?.getReader();
      if (reader === undefined) throw new Error('no body');
      const decoder = new TextDecoder();
      let text = '';
      let firstChunkAt: number | undefined;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (firstChunkAt === undefined && text.includes('"type":"chunk"')) firstChunkAt = performance.now();
      }
      if (firstChunkAt === undefined) throw new Error('no chunk event arrived');
      if (i >= 5) firstChunkMs.push(firstChunkAt - started); // the first 5 warm up
    }
    const p50 = percentile(firstChunkMs, 50);
    return {
      name: 'streaming first chunk',
      ratioOf: 'time to first chunk through the app (p50) / simulator time to first token',
      ratio: round(p50 / TTFT_MS),
      inputs: {
        requests: REQUESTS,
        simulatorTimeToFirstTokenMs: TTFT_MS,
        perTokenDelayMs: 5,
        deployment: 'reasoning (gpt-5.4-mini profile), v1 API',
      },
      figures: { firstChunkP50Ms: round(p50), firstChunkP99Ms: round(percentile(firstChunkMs, 99)) },
    };
  } finally {
    await stack.stop();
  }
}
