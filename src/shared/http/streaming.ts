import { ReadableStream } from 'node:stream/web';

import type { HttpResponseInit } from '@azure/functions';

import { bindToInvocation } from '../telemetry/correlation';

/**
 * Waits for the first item so that a failure before anything is sent (the model's first call failing,
 * its retry budget running out) becomes an ordinary JSON error response with its status.
 */
export async function primed<T>(items: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    [Symbol.asyncIterator]() {
      let usedFirst = false;
      return {
        next: () => {
          if (usedFirst) return iterator.next();
          usedFirst = true;
          return Promise.resolve(first);
        },
        return: (value?: unknown) =>
          iterator.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
      };
    },
  };
}

/**
 * A streamed response: each frame is written as soon as it is produced (pull-based, nothing buffered
 * ahead). When the client goes away the host cancels the stream, and `onCancel` stops the work behind it.
 */
export function streamedResponse(
  frames: AsyncIterable<string>,
  options: { contentType: string; onCancel: () => void; headers?: Readonly<Record<string, string>> },
): HttpResponseInit {
  // Pulled by the host after the handler returned: keep the invocation's correlation id and trace.
  const iterator = bindToInvocation(frames)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done === true) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        options.onCancel();
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  return {
    status: 200,
    headers: {
      ...options.headers,
      'Content-Type': options.contentType,
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    },
    body,
  };
}
