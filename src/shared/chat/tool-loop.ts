import type { Logger } from '../logging/logger';
import {
  addUsage,
  type ChatMessage,
  type ChatModel,
  type ChatModelResult,
  emptyUsage,
  type ToolCall,
  type Usage,
} from '../model/chat-model';
import { type FinalAnswer, parseFinalAnswer } from './final-answer';
import type { ToolRegistry } from './tool-registry';
import { runToolCall, type ToolOutcome } from './tool-runner';

export type ChatEvent =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'tool-call'; readonly tool: string; readonly arguments: unknown }
  | { readonly type: 'tool-result'; readonly tool: string; readonly result: unknown }
  | { readonly type: 'finish'; readonly outcome: TurnOutcome };

export interface TurnOutcome {
  readonly answer: FinalAnswer;
  readonly actions: readonly ToolOutcome[];
  readonly usage: Usage;
  /** What this turn added after the caller's messages: assistant tool calls, tool results, the answer. */
  readonly newMessages: readonly ChatMessage[];
}

export interface ToolLoopInput {
  readonly messages: readonly ChatMessage[];
  readonly model: ChatModel;
  readonly tools: ToolRegistry;
  readonly maxRounds: number;
  /** Tool calls run per round; the model is told the others were not run. */
  readonly maxToolCallsPerRound: number;
  /** The first prompt's tokens and the most any model call may send: a round past it is not made. */
  readonly prompt?: {
    readonly tokens: number;
    readonly maxTokens: number;
    count(message: ChatMessage): number;
  };
  /** The usage of each model call, as it comes (a turn cut off later still counts what it spent). */
  readonly onUsage?: (usage: Usage) => void;
  readonly toolTimeoutMs: number;
  readonly streaming: boolean;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly deployment?: string;
}

const MAX_TOOL_RESULT_CHARS = 16_000;

/**
 * One chat turn: call the model with the tools, run the calls it makes (concurrently, each with a
 * timeout), feed the results back, and repeat — at most `maxRounds` model calls. Yields events as they
 * happen, so a streamed answer and a JSON answer are the same loop.
 */
export async function* runToolLoop(input: ToolLoopInput): AsyncGenerator<ChatEvent, void, undefined> {
  const transcript: ChatMessage[] = [...input.messages];
  const added: ChatMessage[] = [];
  const actions: ToolOutcome[] = [];
  let usage = emptyUsage;
  const request = {
    tools: input.tools.definitions,
    toolChoice: 'auto' as const,
    ...(input.temperature === undefined ? {} : { temperature: input.temperature }),
    ...(input.maxTokens === undefined ? {} : { maxTokens: input.maxTokens }),
    ...(input.deployment === undefined ? {} : { deployment: input.deployment }),
  };

  let promptTokens = input.prompt?.tokens ?? 0;
  for (let round = 1; round <= input.maxRounds; round++) {
    if (input.prompt !== undefined && round > 1 && promptTokens > input.prompt.maxTokens) {
      input.log.warn('prompt limit reached', {
        round,
        promptTokens,
        maxPromptTokens: input.prompt.maxTokens,
      });
      const answerMd = `I could not finish this request: the tool results grew past the prompt limit of ${input.prompt.maxTokens} tokens. Please ask for less at once.`;
      added.push({ role: 'assistant', content: answerMd });
      yield {
        type: 'finish',
        outcome: { answer: { intent: 'prompt_limit', answerMd }, actions, usage, newMessages: added },
      };
      return;
    }
    let result: ChatModelResult | undefined;
    if (input.streaming) {
      let streamed = '';
      try {
        for await (const event of input.model.stream({ ...request, messages: transcript }, input.signal)) {
          if (event.type === 'text-delta') {
            streamed += event.text;
            yield event;
          } else result = event.result;
        }
      } finally {
        // A caller who goes away mid-answer has still spent the prompt and what was streamed (Azure sends
        // no usage then): count an estimate, so disconnecting is no way around the tokens quota.
        if (result === undefined && input.signal?.aborted === true) {
          const completionTokens = Math.ceil(streamed.length / 4);
          input.onUsage?.({ promptTokens, completionTokens, totalTokens: promptTokens + completionTokens });
        }
      }
    } else {
      result = await input.model.complete({ ...request, messages: transcript }, input.signal);
    }
    if (result === undefined) throw new Error('the model stream ended without a result');
    usage = addUsage(usage, result.usage);
    input.onUsage?.(result.usage);

    if (result.toolCalls.length === 0) {
      const answer = parseFinalAnswer(result.content);
      added.push({ role: 'assistant', content: result.content ?? '' });
      yield { type: 'finish', outcome: { answer, actions, usage, newMessages: added } };
      return;
    }
    if (round === input.maxRounds) break;

    const call: ChatMessage = { role: 'assistant', content: result.content, toolCalls: result.toolCalls };
    transcript.push(call);
    added.push(call);
    promptTokens += input.prompt?.count(call) ?? 0;
    for (const toolCall of result.toolCalls) {
      yield { type: 'tool-call', tool: toolCall.name, arguments: safeParse(toolCall.arguments) };
    }
    const limit = input.maxToolCallsPerRound;
    if (result.toolCalls.length > limit)
      input.log.warn('tool calls over the per-round limit not run', {
        calls: result.toolCalls.length,
        limit,
      });
    const outcomes = await Promise.all(
      result.toolCalls.map((toolCall, index) =>
        index < limit
          ? runToolCall(toolCall, input.tools, {
              timeoutMs: input.toolTimeoutMs,
              log: input.log,
              ...(input.signal === undefined ? {} : { signal: input.signal }),
            })
          : Promise.resolve(notRun(toolCall, limit)),
      ),
    );
    for (const [index, outcome] of outcomes.entries()) {
      const toolCallId = result.toolCalls[index]?.id ?? '';
      const message: ChatMessage = {
        role: 'tool',
        toolCallId,
        content: JSON.stringify(outcome.result).slice(0, MAX_TOOL_RESULT_CHARS),
      };
      transcript.push(message);
      added.push(message);
      promptTokens += input.prompt?.count(message) ?? 0;
      actions.push(outcome);
      yield { type: 'tool-result', tool: outcome.tool, result: outcome.shown };
    }
  }

  input.log.warn('tool round limit reached', { maxRounds: input.maxRounds });
  const answerMd = `I could not finish this request within ${input.maxRounds} rounds of tool calls. Please ask again more specifically.`;
  added.push({ role: 'assistant', content: answerMd });
  yield {
    type: 'finish',
    outcome: { answer: { intent: 'tool_limit', answerMd }, actions, usage, newMessages: added },
  };
}

/** A call over CHAT_MAX_TOOL_CALLS_PER_ROUND: not run, and the model is told so (every call needs an answer). */
function notRun(call: ToolCall, limit: number): ToolOutcome {
  const result = {
    error: 'tool_call_limit',
    message: `Not run: at most ${limit} tool calls are run per round. Call fewer tools at once, or continue in the next round.`,
  };
  return { tool: call.name, arguments: safeParse(call.arguments), result, shown: result };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
