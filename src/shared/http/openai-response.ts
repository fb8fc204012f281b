import { randomUUID } from 'node:crypto';

import type { AnswerFinishReason } from '../chat/answer-status';
import type { ChatAnswer } from '../chat/chat-service';
import type { ChatEvent } from '../chat/tool-loop';
import type { ToolCall, Usage } from '../model/chat-model';
import type { ChatCompletion, ChatCompletionChunk, ModelList } from './api-contract/openai-response-schemas';
import { openAIErrorFormat } from './openai-errors';
import type { StreamEncoder } from './stream-chat-turn';
import { toStreamError } from './stream-protocols';

/** What every object of one completion shares: its id, creation time (seconds) and model. */
export interface CompletionIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export function newCompletion(model: string): CompletionIdentity {
  return { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model };
}

type OpenAIFinishReason = ChatCompletion['choices'][number]['finish_reason'];

/** The turn's end as OpenAI names it: the round bound is a `stop` with its explanation as the text. */
function toOpenAIFinishReason(
  reason: AnswerFinishReason,
  clientToolCalls: readonly ToolCall[],
): OpenAIFinishReason {
  if (clientToolCalls.length > 0) return 'tool_calls';
  return reason === 'length' ? 'length' : 'stop';
}

const toOpenAIUsage = (usage: Usage) => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.totalTokens,
});

const toOpenAIToolCalls = (calls: readonly ToolCall[]) =>
  calls.map((call) => ({
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));

/** A non-streamed answer as a `chat.completion`: the server's tools already ran; the client's are tool_calls. */
export function toChatCompletion(answer: ChatAnswer, identity: CompletionIdentity): ChatCompletion {
  const calls = answer.clientToolCalls;
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: calls.length > 0 && answer.answerMd === '' ? null : answer.answerMd,
          refusal: null,
          ...(calls.length === 0 ? {} : { tool_calls: toOpenAIToolCalls(calls) }),
        },
        logprobs: null,
        finish_reason: toOpenAIFinishReason(answer.finishReason, calls),
      },
    ],
    usage: toOpenAIUsage(answer.usage),
  };
}

/**
 * A streamed turn as OpenAI's `chat.completion.chunk` Server-Sent Events: the role, text deltas as they
 * come, the client's tool calls, the finish reason, the usage when asked for, then `data: [DONE]`. The
 * server's own tool activity is not part of OpenAI's protocol and is not sent; a failure after the stream
 * started is an `error` event, after which the stream ends without [DONE] (as OpenAI's does).
 */
export function toOpenAIChunks(identity: CompletionIdentity, includeUsage: boolean): StreamEncoder {
  return async function* encode(_conversationId: string, events: AsyncIterable<ChatEvent>, log) {
    const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
    const chunk = (
      delta: ChatCompletionChunk['choices'][number]['delta'],
      finishReason: OpenAIFinishReason | null = null,
    ): ChatCompletionChunk => ({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    });
    yield frame(chunk({ role: 'assistant', content: '' }));
    try {
      for await (const event of events) {
        if (event.type === 'text-delta') yield frame(chunk({ content: event.text }));
        if (event.type !== 'finish') continue;
        const { clientToolCalls, finishReason, usage } = event.outcome;
        if (clientToolCalls.length > 0) {
          const calls = toOpenAIToolCalls(clientToolCalls).map((call, index) => ({ index, ...call }));
          yield frame(chunk({ tool_calls: calls }));
        }
        yield frame(chunk({}, toOpenAIFinishReason(finishReason, clientToolCalls)));
        if (includeUsage) yield frame({ ...chunk({}), choices: [], usage: toOpenAIUsage(usage) });
      }
    } catch (thrown) {
      toStreamError(thrown, log); // logs what is not an error of the tree
      yield frame(openAIErrorFormat.toResponse(thrown, '').jsonBody);
      return;
    }
    yield 'data: [DONE]\n\n';
  };
}

/** GET /api/openai/v1/models: the deployments a request may name as `model`. */
export function toModelList(deployments: readonly string[]): ModelList {
  return {
    object: 'list',
    data: deployments.map((id) => ({ id, object: 'model', created: 0, owned_by: 'azure-openai' })),
  };
}
