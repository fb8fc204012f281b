import { randomUUID } from 'node:crypto';

import type { AnswerFinishReason } from '../chat/answer-status';
import type { ChatEvent } from '../chat/tool-loop';
import type { TurnRequest } from '../chat/turn-request';
import type { Logger } from '../logging/logger';
import type { ChatMessage } from '../model/chat-model';
import type { UIChatRequest, UIMessageChunk } from './api-contract/ui-message-schemas';
import { toUsageBody } from './chat-response';
import { toStreamError } from './stream-protocols';

/** The response header that tells useChat this is a UI message stream. */
export const UI_MESSAGE_STREAM_HEADERS = { 'x-vercel-ai-ui-message-stream': 'v1' } as const;

/**
 * The turn a useChat request asks for: its chat id is the caller's conversation (continued, or created
 * under that id); the text parts of its messages are read, and continuing, only the new ones count.
 */
export function fromUIChatRequest(body: UIChatRequest): TurnRequest {
  const messages = body.messages.map((message): ChatMessage => {
    const text = message.parts
      .flatMap((part) => (part.type === 'text' && typeof part.text === 'string' ? [part.text] : []))
      .join('');
    return { role: message.role, content: text };
  });
  return { messages, conversation: { mode: 'open', id: body.id } };
}

const UI_FINISH_REASONS = {
  stop: 'stop',
  length: 'length',
  tool_limit: 'other',
  prompt_limit: 'other',
  tool_calls: 'tool-calls',
} as const satisfies Record<AnswerFinishReason, string>;

/**
 * A turn as the AI SDK's UI message stream (v1): `start` (with the conversation id), a step per model call,
 * text parts as the text comes, the server's tool calls and results as tool parts, `finish` with the finish
 * reason and metadata (conversation id, intent, usage), or `error`; then `data: [DONE]`.
 */
export async function* toUIMessageStream(
  conversationId: string,
  events: AsyncIterable<ChatEvent>,
  log: Logger,
): AsyncGenerator<string, void, undefined> {
  const frame = (chunk: UIMessageChunk) => `data: ${JSON.stringify(chunk)}\n\n`;
  yield frame({ type: 'start', messageId: randomUUID(), messageMetadata: { conversationId } });
  yield frame({ type: 'start-step' });
  let texts = 0;
  let openText: string | undefined;
  let afterTools = false;
  function* closeText() {
    if (openText !== undefined) yield frame({ type: 'text-end', id: openText });
    openText = undefined;
  }
  // The model is called again after tool results: a new step, as the AI SDK's own servers send it.
  function* nextStep() {
    if (!afterTools) return;
    afterTools = false;
    yield frame({ type: 'finish-step' });
    yield frame({ type: 'start-step' });
  }
  try {
    for await (const event of events) {
      if (event.type === 'text-delta') {
        yield* nextStep();
        if (openText === undefined) {
          openText = `text-${++texts}`;
          yield frame({ type: 'text-start', id: openText });
        }
        yield frame({ type: 'text-delta', id: openText, delta: event.text });
      } else if (event.type === 'tool-call') {
        yield* closeText();
        yield frame({
          type: 'tool-input-available',
          toolCallId: event.id,
          toolName: event.tool,
          input: event.arguments,
        });
      } else if (event.type === 'tool-result') {
        afterTools = true;
        yield frame({ type: 'tool-output-available', toolCallId: event.id, output: event.result });
      } else {
        yield* closeText();
        yield* nextStep();
        const { answer, usage, finishReason, warnings } = event.outcome;
        yield frame({ type: 'finish-step' });
        yield frame({
          type: 'finish',
          finishReason: UI_FINISH_REASONS[finishReason],
          messageMetadata: {
            conversationId,
            intent: answer.intent,
            finishReason,
            usage: toUsageBody(usage),
            ...(warnings.length === 0 ? {} : { warnings: [...warnings] }),
          },
        });
      }
    }
  } catch (thrown) {
    yield* closeText();
    yield frame({ type: 'error', errorText: toStreamError(thrown, log).message });
  }
  yield 'data: [DONE]\n\n';
}
