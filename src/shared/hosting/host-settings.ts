import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import * as z from 'zod';

const hostJson = z.object({
  extensions: z
    .object({ queues: z.object({ maxDequeueCount: z.number().int().min(1).default(5) }).prefault({}) })
    .prefault({}),
});

let cached: { maxDequeueCount: number } | undefined;

/** The queue settings of host.json the app itself needs to know (the host applies them). */
export function hostQueueSettings(): { maxDequeueCount: number } {
  return (cached ??= readHostQueueSettings(__dirname));
}

/**
 * Reads them from host.json in the app root: the nearest folder above `from` that holds one. That is
 * four levels up from dist/src/shared/hosting in the build, one level up from the deployment package's
 * bundle in dist/.
 */
export function readHostQueueSettings(from: string): { maxDequeueCount: number } {
  const file = nearestHostJson(resolve(from));
  try {
    if (file === undefined) throw new Error('no host.json');
    const parsed = hostJson.parse(JSON.parse(readFileSync(file, 'utf8')));
    return { maxDequeueCount: parsed.extensions.queues.maxDequeueCount };
  } catch {
    return { maxDequeueCount: 5 }; // the host's own default
  }
}

function nearestHostJson(folder: string): string | undefined {
  const file = join(folder, 'host.json');
  if (existsSync(file)) return file;
  return dirname(folder) === folder ? undefined : nearestHostJson(dirname(folder));
}
