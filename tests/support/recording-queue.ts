import type { SendToQueue } from '../../src/shared/queues/queue-sender';

/** A message a fake queue received. */
export interface SentMessage {
  readonly queue: string;
  readonly payload: unknown;
  readonly delayMs?: number;
}

/** The queue-sender port in memory: it keeps what is sent, in order, as a copy. */
export function recordingQueue(): { send: SendToQueue; sent: SentMessage[] } {
  const sent: SentMessage[] = [];
  const send: SendToQueue = (queue, payload, options) => {
    sent.push({
      queue,
      payload: structuredClone(payload),
      ...(options?.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    });
    return Promise.resolve();
  };
  return { send, sent };
}
