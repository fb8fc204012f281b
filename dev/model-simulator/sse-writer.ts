import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { INTERNAL_SERVER_ERROR } from './azure-errors';
import { type Completion, toChunk, toPromptFilterChunk, toUsageChunk } from './completion';
import { splitArguments } from './tokens';

export interface StreamTiming {
  readonly timeToFirstTokenMs: number;
  readonly perTokenDelayMs: number;
}

export interface StreamOptions {
  readonly includeUsage: boolean;
  /** Send the first half of the deltas, then an error event instead of the rest (`[sim:mid-stream-error]`). */
  readonly failMidway: boolean;
  readonly timing: StreamTiming;
  readonly headers: Record<string, string>;
  /** Aborted when the client goes away; the writer then stops at its next step. */
  readonly signal: AbortSignal;
}

/** The deltas after the role chunk: one per token, or per tool call a head and its argument pieces. */
function deltasOf(completion: Completion): unknown[] {
  const { turn } = completion;
  if (turn.kind === 'text') return completion.tokens.map((token) => ({ content: token }));
  return turn.calls.flatMap((call, index) => [
    { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] },
    ...splitArguments(call.arguments).map((piece) => ({
      tool_calls: [{ index, function: { arguments: piece } }],
    })),
  ]);
}

async function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (milliseconds > 0) await sleep(milliseconds, undefined, { signal });
}

/**
 * Streams a completion the way Azure does, one `res.write` per event so each reaches the client at once.
 * Rejects with an AbortError when the client goes away.
 */
export async function writeStream(
  response: ServerResponse,
  completion: Completion,
  options: StreamOptions,
): Promise<void> {
  const { signal, timing } = options;
  const send = (data: unknown): void => {
    signal.throwIfAborted();
    response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  };
  response.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  send(toPromptFilterChunk());
  send(toChunk(completion, { role: 'assistant', content: completion.turn.kind === 'text' ? '' : null }));
  const deltas = deltasOf(completion);
  const failAt = options.failMidway ? Math.max(1, Math.floor(deltas.length / 2)) : Number.POSITIVE_INFINITY;
  for (const [index, delta] of deltas.entries()) {
    await pause(index === 0 ? timing.timeToFirstTokenMs : timing.perTokenDelayMs, signal);
    if (index >= failAt) break;
    send(toChunk(completion, delta));
  }
  if (options.failMidway) {
    send({ error: INTERNAL_SERVER_ERROR });
    response.end();
    return;
  }
  if (deltas.length === 0) await pause(timing.timeToFirstTokenMs, signal);
  send(toChunk(completion, {}, completion.finishReason));
  if (options.includeUsage) send(toUsageChunk(completion));
  send('[DONE]');
  response.end();
}
