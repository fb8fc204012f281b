import type { Attributes, Histogram, MeterProvider } from '@opentelemetry/api';

import { appInfo } from '../app-info';
import type { Usage } from '../model/chat-model';
import { genAi } from './attributes';
import type { OpenTelemetryApi } from './telemetry-api';

// Bucket boundaries the GenAI conventions recommend for these two histograms.
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

interface Instruments {
  readonly tokenUsage: Histogram;
  readonly duration: Histogram;
}

// The metrics API has no proxy provider: a meter taken before the SDK registers stays a no-op for
// good. So instruments are created against the provider registered now, and again if it changes.
let cached: { readonly provider: MeterProvider; readonly instruments: Instruments } | undefined;

function instruments(api: OpenTelemetryApi): Instruments {
  const provider = api.metrics.getMeterProvider();
  if (cached?.provider !== provider) {
    const meter = provider.getMeter(appInfo.service, appInfo.version);
    cached = {
      provider,
      instruments: {
        tokenUsage: meter.createHistogram(genAi.tokenUsageMetric, {
          unit: '{token}',
          description: 'Input and output tokens used per model call',
          advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
        }),
        duration: meter.createHistogram(genAi.operationDurationMetric, {
          unit: 's',
          description: 'Duration of a model call',
          advice: { explicitBucketBoundaries: DURATION_BUCKETS },
        }),
      },
    };
  }
  return cached.instruments;
}

/** Records gen_ai.client.operation.duration, and gen_ai.client.token.usage when the call answered. */
export function recordModelCall(
  api: OpenTelemetryApi,
  attributes: Attributes,
  startedAt: number,
  usage: Usage | undefined,
): void {
  const { tokenUsage, duration } = instruments(api);
  duration.record((performance.now() - startedAt) / 1000, attributes);
  if (usage === undefined) return;
  tokenUsage.record(usage.promptTokens, { ...attributes, [genAi.tokenType]: 'input' });
  tokenUsage.record(usage.completionTokens, { ...attributes, [genAi.tokenType]: 'output' });
}
