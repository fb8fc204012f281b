import type { HttpResponseInit } from '@azure/functions';

import type { ChatService, TurnContext } from '../chat/chat-service';
import type { ChatEvent } from '../chat/tool-loop';
import type { TurnRequest } from '../chat/turn-request';
import type { Logger } from '../logging/logger';
import { primed, streamedResponse } from './streaming';

export type StreamEncoder = (
  conversationId: string,
  events: AsyncIterable<ChatEvent>,
  log: Logger,
) => AsyncIterable<string>;

/**
 * Streams one chat turn in a wire format. The first model call is awaited before anything is sent, so
 * failing early is an ordinary JSON error; a client that goes away (before the first event: the context's
 * signal; after it: the host cancelling the stream) aborts the model request and the loop.
 */
export async function streamChatTurn(
  chat: ChatService,
  request: TurnRequest,
  context: TurnContext,
  format: { encode: StreamEncoder; contentType: string; headers?: Readonly<Record<string, string>> },
): Promise<HttpResponseInit> {
  const abort = new AbortController();
  const signal =
    context.signal === undefined ? abort.signal : AbortSignal.any([context.signal, abort.signal]);
  const turn = await chat.stream(request, { ...context, signal });
  const events = await primed(turn.events);
  return streamedResponse(format.encode(turn.conversationId, events, context.log), {
    contentType: format.contentType,
    ...(format.headers === undefined ? {} : { headers: format.headers }),
    onCancel: () => {
      abort.abort(new Error('the client disconnected'));
    },
  });
}
