import type { ChatEvent } from '../chat/tool-loop';
import { AppError, ensureError } from '../errors';
import type { Logger } from '../logging/logger';
import { toUsageBody, warningsField } from './chat-response';

export interface StreamError {
  readonly code: string;
  readonly message: string;
  readonly details?: AppError['details'];
}

/** A failure after the stream started: an AppError keeps its code, message and details; anything else is masked. */
export function toStreamError(thrown: unknown, log: Logger): StreamError {
  if (thrown instanceof AppError) {
    const { code, message, details } = thrown;
    return details === undefined ? { code, message } : { code, message, details };
  }
  log.error('chat stream failed', { error: ensureError(thrown) });
  return { code: 'internal_error', message: 'Internal server error' };
}

/**
 * Server-Sent Events for POST /api/chat (`data: <JSON>` events with a `type`): metadata first, tool activity and text
 * chunks as they come, then done, or error if the turn fails after the stream started.
 */
export async function* toServerSentEvents(
  conversationId: string,
  events: AsyncIterable<ChatEvent>,
  log: Logger,
): AsyncGenerator<string, void, undefined> {
  const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  yield frame({ type: 'metadata', conversationId });
  try {
    for await (const event of events) {
      if (event.type === 'text-delta') yield frame({ type: 'chunk', content: event.text });
      else if (event.type === 'tool-call')
        yield frame({ type: 'tool_call', tool: event.tool, arguments: event.arguments });
      else if (event.type === 'tool-result')
        yield frame({ type: 'tool_result', tool: event.tool, result: event.result });
      else {
        const { answer, usage, finishReason, warnings } = event.outcome;
        yield frame({
          type: 'done',
          full_response: answer.answerMd,
          intent: answer.intent,
          conversationId,
          usage: toUsageBody(usage),
          finishReason,
          ...warningsField(warnings),
          timestamp: new Date().toISOString(),
        });
      }
    }
  } catch (thrown) {
    yield frame({ type: 'error', error: toStreamError(thrown, log) });
  }
}

/**
 * JSON Lines for POST /api/chat/stream (Microsoft AI Chat Protocol): one delta per line, each ending in
 * "\n" (the official client drops a last line without one); tool activity goes in `context`.
 */
export async function* toChatProtocolLines(
  conversationId: string,
  events: AsyncIterable<ChatEvent>,
  log: Logger,
): AsyncGenerator<string, void, undefined> {
  const sessionState = { conversationId };
  const line = (data: unknown) => `${JSON.stringify(data)}\n`;
  const delta = (content: string) => ({ role: 'assistant', content });
  try {
    for await (const event of events) {
      if (event.type === 'text-delta') yield line({ delta: delta(event.text), sessionState });
      else if (event.type === 'tool-call') {
        yield line({
          delta: delta(''),
          context: { event: 'tool_call', tool: event.tool, arguments: event.arguments },
          sessionState,
        });
      } else if (event.type === 'tool-result') {
        yield line({
          delta: delta(''),
          context: { event: 'tool_result', tool: event.tool, result: event.result },
          sessionState,
        });
      } else {
        const { answer, usage, finishReason, warnings } = event.outcome;
        yield line({
          delta: delta(''),
          context: {
            event: 'done',
            intent: answer.intent,
            usage: toUsageBody(usage),
            finishReason,
            ...warningsField(warnings),
          },
          sessionState,
        });
      }
    }
  } catch (thrown) {
    yield line({ error: toStreamError(thrown, log) });
  }
}
