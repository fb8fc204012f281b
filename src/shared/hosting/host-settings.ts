import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

const hostJson = z.object({
  extensions: z
    .object({ queues: z.object({ maxDequeueCount: z.number().int().min(1).default(5) }).prefault({}) })
    .prefault({}),
});

let cached: { maxDequeueCount: number } | undefined;

/** The queue settings of host.json the app itself needs to know (the host applies them). */
export function hostQueueSettings(): { maxDequeueCount: number } {
  if (cached !== undefined) return cached;
  try {
    // host.json sits at the package root, four levels above dist/src/shared/hosting.
    const parsed = hostJson.parse(JSON.parse(readFileSync(join(__dirname, '../../../../host.json'), 'utf8')));
    cached = { maxDequeueCount: parsed.extensions.queues.maxDequeueCount };
  } catch {
    cached = { maxDequeueCount: 5 }; // the host's own default
  }
  return cached;
}
