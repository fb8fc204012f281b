// zod/mini: the queue functions' registration loads this at cold start (classic zod would triple it).
import * as z from 'zod/mini';

import type { Services } from '../composition/services';

/** The field of a queue message that carries how long it has waited for a dependency; the handler never sees it. */
export const REDELIVERY_FIELD = '_redelivery';

const redeliverySchema = z.object({
  attempt: z.number().check(z.int(), z.gte(1), z.lte(1_000_000)),
  since: z.iso.datetime(),
});

export type Redelivery = z.infer<typeof redeliverySchema>;

/** The message without the wrapper's field, and that field when it is there and readable. */
export function readRedelivery(message: unknown): { payload: unknown; redelivery: Redelivery | undefined } {
  if (!isRecord(message) || !(REDELIVERY_FIELD in message))
    return { payload: message, redelivery: undefined };
  const { [REDELIVERY_FIELD]: field, ...payload } = message;
  const parsed = redeliverySchema.safeParse(field);
  return { payload, redelivery: parsed.success ? parsed.data : undefined };
}

/** Doubles from the base with each attempt, at least what the dependency asked for, capped; a little jitter. */
export function redeliveryDelaySeconds(
  attempt: number,
  settings: { baseSeconds: number; maxSeconds: number },
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const doubled = settings.baseSeconds * 2 ** Math.min(attempt - 1, 30);
  const wanted = Math.max(doubled, (retryAfterMs ?? 0) / 1000);
  const jittered = wanted * (0.9 + random() * 0.2);
  return Math.max(1, Math.min(settings.maxSeconds, Math.ceil(jittered)));
}

/**
 * Whether a message has waited for a dependency longer than it may (QUEUE_RETRY_MAX_WAIT_SECONDS), counted
 * from when its waiting began; such a message is put back no more.
 */
export function waitedTooLong(
  redelivery: Redelivery | undefined,
  maxWaitSeconds: number,
  now: number = Date.now(),
): boolean {
  if (redelivery === undefined) return false;
  return now - Date.parse(redelivery.since) > maxWaitSeconds * 1000;
}

/**
 * Puts a message back on its own queue to wait for a dependency: a new message, invisible for the next
 * delay, that counts its attempts and remembers when the waiting began. An object message carries the
 * count in `_redelivery`; anything else cannot, and is left to the host's own redelivery.
 */
export async function putBack(
  work: {
    queueName: string;
    payload: unknown;
    redelivery: Redelivery | undefined;
    retryAfterMs?: number | undefined;
  },
  services: Pick<Services, 'config' | 'sendToQueue'>,
): Promise<{ attempt: number; delaySeconds: number; since: string } | undefined> {
  const { payload } = work;
  if (!isRecord(payload)) return undefined;
  const attempt = (work.redelivery?.attempt ?? 0) + 1;
  const since = work.redelivery?.since ?? new Date().toISOString();
  const delaySeconds = redeliveryDelaySeconds(
    attempt,
    {
      baseSeconds: services.config.QUEUE_RETRY_BASE_SECONDS,
      maxSeconds: services.config.QUEUE_RETRY_MAX_SECONDS,
    },
    work.retryAfterMs,
  );
  await services.sendToQueue(
    work.queueName,
    { ...payload, [REDELIVERY_FIELD]: { attempt, since } },
    { delayMs: delaySeconds * 1000 },
  );
  return { attempt, delaySeconds, since };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
