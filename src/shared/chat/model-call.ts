import type { ChatModel, ChatModelRequest, ChatModelResult, Usage } from '../model/chat-model';
import type { ChatEvent } from './tool-loop';

/**
 * One model call of the tool loop. Streamed, its text deltas pass through as they come; a caller who goes
 * away mid-answer (streamed or not) has still spent the prompt and what was streamed (Azure sends no usage
 * then), so an estimate is counted and disconnecting is no way around the tokens quota.
 */
export async function* callModel(
  input: {
    readonly model: ChatModel;
    readonly streaming: boolean;
    readonly signal?: AbortSignal;
    readonly onUsage?: (usage: Usage) => void;
  },
  call: ChatModelRequest,
  promptTokens: number,
): AsyncGenerator<ChatEvent, ChatModelResult, undefined> {
  let result: ChatModelResult | undefined;
  let streamed = '';
  try {
    if (!input.streaming) result = await input.model.complete(call, input.signal);
    else
      for await (const event of input.model.stream(call, input.signal)) {
        if (event.type === 'text-delta') {
          streamed += event.text;
          yield event;
        } else result = event.result;
      }
  } finally {
    if (result === undefined && input.signal?.aborted === true) {
      const completionTokens = Math.ceil(streamed.length / 4);
      input.onUsage?.({
        promptTokens,
        completionTokens,
        totalTokens: promptTokens + completionTokens,
        reasoningTokens: 0,
        cachedTokens: 0,
      });
    }
  }
  if (result === undefined) throw new Error('the model stream ended without a result');
  return result;
}
