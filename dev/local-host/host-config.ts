import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

/** "hh:mm:ss" (host.json TimeSpan) to milliseconds. */
export function timeSpanToMs(value: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(value);
  if (match === null) throw new Error(`"${value}" is not a TimeSpan (hh:mm:ss)`);
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = '0'] = match;
  return (
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    Number(fraction.padEnd(3, '0'))
  );
}

const timeSpan = z.string().transform((value, context) => {
  try {
    return timeSpanToMs(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

// Defaults are the Functions host's own (see wire-formats.md), with local development's 2 s polling.
const hostJson = z.object({
  extensions: z
    .object({
      http: z.object({ routePrefix: z.string().default('api') }).default({ routePrefix: 'api' }),
      queues: z
        .object({
          batchSize: z.number().int().min(1).max(32).default(16),
          newBatchThreshold: z.number().int().min(0).optional(),
          maxDequeueCount: z.number().int().min(1).default(5),
          visibilityTimeout: timeSpan.default(0),
          maxPollingInterval: timeSpan.default(2000),
          messageEncoding: z.enum(['base64', 'none']).default('base64'),
        })
        .prefault({}),
    })
    .prefault({}),
});

export interface QueueSettings {
  readonly batchSize: number;
  readonly newBatchThreshold: number;
  readonly maxDequeueCount: number;
  readonly visibilityTimeoutMs: number;
  readonly maxPollingIntervalMs: number;
  readonly messageEncoding: 'base64' | 'none';
}

export interface HostConfig {
  readonly routePrefix: string;
  readonly queues: QueueSettings;
}

/** Reads the settings this host honours from host.json in the app's root. */
export function readHostConfig(appRoot: string): HostConfig {
  const parsed = hostJson.parse(JSON.parse(readFileSync(join(appRoot, 'host.json'), 'utf8')));
  const { http, queues } = parsed.extensions;
  return {
    routePrefix: http.routePrefix.replace(/^\/+|\/+$/g, ''),
    queues: {
      batchSize: queues.batchSize,
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor(queues.batchSize / 2),
      maxDequeueCount: queues.maxDequeueCount,
      visibilityTimeoutMs: queues.visibilityTimeout,
      maxPollingIntervalMs: queues.maxPollingInterval,
      messageEncoding: queues.messageEncoding,
    },
  };
}
