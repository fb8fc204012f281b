import { ensureError } from '../errors';
import {
  addUsage,
  type ChatModelEvent,
  type ChatModelResult,
  emptyUsage,
  type FinishReason,
} from './chat-model';
import { parseChunk, type ParsedToolCallDelta, toFinishReason, toUsage } from './openai-replies';

/**
 * Reads a chat completions stream: text deltas as they come, then one finish event with the assembled
 * result. Chunks without a delta (asynchronous content filtering) are skipped; the finish chunk's filter
 * results name the category when the output filter ended the answer.
 */
export async function* readCompletionStream(
  stream: AsyncIterable<unknown>,
  base: Pick<ChatModelResult, 'deployment' | 'ignored'>,
  signal: AbortSignal | undefined,
  toError: (error: unknown) => unknown,
): AsyncGenerator<ChatModelEvent, ChatModelResult, undefined> {
  const assembled = new ToolCallAssembler();
  let content = '';
  let sawContent = false;
  let finishReason: FinishReason = 'unknown';
  let usage = emptyUsage;
  let model: string | undefined;
  let filteredCategory: string | undefined;
  try {
    for await (const raw of stream) {
      const chunk = parseChunk(raw);
      if (chunk.model) model = chunk.model;
      if (chunk.usage) usage = addUsage(emptyUsage, toUsage(chunk.usage));
      for (const choice of chunk.choices) {
        if (choice.finish_reason) finishReason = toFinishReason(choice.finish_reason);
        filteredCategory = choice.content_filter_results ?? filteredCategory;
        const delta = choice.delta;
        if (!delta) continue;
        if (delta.content) {
          sawContent = true;
          content += delta.content;
          yield { type: 'text-delta', text: delta.content };
        }
        for (const call of delta.tool_calls ?? []) assembled.add(call);
      }
    }
  } catch (error) {
    throw toError(error);
  }
  // The SDK ends a stream quietly when it is aborted: that is a cut-off answer, not a finished one.
  if (signal?.aborted === true) throw ensureError(signal.reason);
  const result: ChatModelResult = {
    ...base,
    content: sawContent ? content : null,
    toolCalls: assembled.calls(),
    finishReason,
    usage,
    ...(model === undefined ? {} : { model }),
    ...(finishReason === 'content_filter' && filteredCategory !== undefined ? { filteredCategory } : {}),
  };
  yield { type: 'finish', result };
  return result;
}

/** Tool calls arrive in pieces: the first delta of a call has its id and name, later ones add argument text. */
class ToolCallAssembler {
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();

  add(delta: ParsedToolCallDelta) {
    const call = this.#calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name = delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
    this.#calls.set(delta.index, call);
  }

  calls() {
    return [...this.#calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  }
}
