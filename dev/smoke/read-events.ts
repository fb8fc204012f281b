import { z } from 'zod';

import type { Target } from './http';

/** One Server-Sent Event of the chat stream, with when it arrived and in which network read. */
export interface TimedEvent {
  readonly type: string;
  readonly atMs: number;
  readonly read: number;
}

export interface StreamedTurn {
  readonly status: number;
  readonly contentType: string;
  readonly events: readonly TimedEvent[];
  /** The body when the answer is not a stream (an error envelope, say). */
  readonly text: string;
}

const eventSchema = z.object({ type: z.string() });

/**
 * POSTs a streamed chat turn and reads the `data:` events as they arrive, each stamped with its arrival
 * time (from the request) and the number of the network read that brought it.
 */
export async function streamChat(target: Target, message: string): Promise<StreamedTurn> {
  const started = performance.now();
  const response = await fetch(new URL('/api/chat', target.baseUrl), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(target.token === undefined ? {} : { authorization: `Bearer ${target.token}` }),
    },
    body: JSON.stringify({ message, stream: true }),
    signal: AbortSignal.timeout(target.timeoutMs),
  });
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream') || response.body === null) {
    return { status: response.status, contentType, events: [], text: await response.text() };
  }
  const events: TimedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let read = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    read += 1;
    const atMs = performance.now() - started;
    buffer += decoder.decode(chunk, { stream: true });
    const frames = buffer.split('\n\n');
    buffer = frames.pop() ?? '';
    for (const frame of frames) {
      const data = frame
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      if (data === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        parsed = undefined;
      }
      const event = eventSchema.safeParse(parsed);
      events.push({ type: event.success ? event.data.type : 'unparsable', atMs, read });
    }
  }
  return { status: response.status, contentType, events, text: '' };
}
