import { ContentFilteredError } from '../errors';
import type { Logger } from '../logging/logger';
import {
  addUsage,
  type ChatMessage,
  type ChatModel,
  type ChatModelRequest,
  emptyUsage,
  type IgnoredParameter,
  mergeIgnored,
  type ToolCall,
  type ToolDefinition,
  type Usage,
} from '../model/chat-model';
import {
  type AnswerFinishReason,
  budgetSpentMessage,
  type ParameterWarning,
  toWarnings,
} from './answer-status';
import type { TurnMessage } from './chat-turn-record';
import { type FinalAnswer, parseFinalAnswer } from './final-answer';
import { callModel } from './model-call';
import type { ToolRegistry } from './tool-registry';
import { argumentsForDisplay, runToolRound } from './tool-round';
import type { ToolOutcome } from './tool-runner';
import type { ToolChoice } from './turn-request';

export type ChatEvent =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'tool-call'; readonly id: string; readonly tool: string; readonly arguments: unknown }
  | { readonly type: 'tool-result'; readonly id: string; readonly tool: string; readonly result: unknown }
  | { readonly type: 'finish'; readonly outcome: TurnOutcome };

export interface TurnOutcome {
  readonly answer: FinalAnswer;
  readonly actions: readonly ToolOutcome[];
  readonly usage: Usage;
  /** What this turn added after the caller's messages: assistant tool calls, tool results, the answer. */
  readonly newMessages: readonly TurnMessage[];
  /** How the turn ended: whole, cut short, at the round bound, or with calls of the client's own tools. */
  readonly finishReason: AnswerFinishReason;
  /** The caller's parameters the deployment does not take. */
  readonly warnings: readonly ParameterWarning[];
  /** Calls of the client's own tools, for the client to run; the turn ends with them. */
  readonly clientToolCalls: readonly ToolCall[];
}

export interface ToolLoopInput {
  readonly messages: readonly ChatMessage[];
  readonly model: ChatModel;
  readonly tools: ToolRegistry;
  /** Tools the client runs: offered with the server's, never run here. */
  readonly clientTools?: readonly ToolDefinition[];
  /** For the first model call; later calls are 'auto'. */
  readonly toolChoice?: ToolChoice;
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
  /** The caller's generation parameters and the token budget, sent with every model call of the turn. */
  readonly generation?: Pick<
    ChatModelRequest,
    'temperature' | 'maxTokens' | 'reasoningEffort' | 'verbosity' | 'deployment'
  >;
}

/**
 * One chat turn: call the model with the tools, run the calls it makes (concurrently, each with a
 * timeout), feed the results back, and repeat — at most `maxRounds` model calls. Yields events as they
 * happen, so a streamed answer and a JSON answer are the same loop. An answer cut short by the token
 * budget finishes as incomplete; one the output content filter stopped fails with `content_filtered`.
 */
export async function* runToolLoop(input: ToolLoopInput): AsyncGenerator<ChatEvent, void, undefined> {
  const transcript: ChatMessage[] = [...input.messages];
  const added: TurnMessage[] = [];
  const actions: ToolOutcome[] = [];
  let usage = emptyUsage;
  let ignored: IgnoredParameter[] = [];
  const clientTools = input.clientTools ?? [];
  const isClientTool = new Set(clientTools.map((tool) => tool.name));
  const request = { tools: [...input.tools.definitions, ...clientTools], ...input.generation };
  const finish = (
    answer: FinalAnswer,
    finishReason: AnswerFinishReason,
    clientToolCalls: readonly ToolCall[] = [],
  ): ChatEvent => ({
    type: 'finish',
    outcome: {
      answer,
      actions,
      usage,
      newMessages: added,
      finishReason,
      warnings: toWarnings(ignored),
      clientToolCalls,
    },
  });

  let promptTokens = input.prompt?.tokens ?? 0;
  for (let round = 1; round <= input.maxRounds; round++) {
    // A caller gone during a tool round gets no further model call.
    input.signal?.throwIfAborted();
    if (input.prompt !== undefined && round > 1 && promptTokens > input.prompt.maxTokens) {
      const maxPromptTokens = input.prompt.maxTokens;
      input.log.warn('prompt limit reached', { round, promptTokens, maxPromptTokens });
      const answerMd = `I could not finish this request: the tool results grew past the prompt limit of ${maxPromptTokens} tokens. Please ask for less at once.`;
      added.push({ role: 'assistant', content: answerMd });
      yield finish({ intent: 'prompt_limit', answerMd }, 'prompt_limit');
      return;
    }
    const call = {
      ...request,
      toolChoice: round === 1 ? (input.toolChoice ?? 'auto') : 'auto',
      messages: transcript,
    };
    const result = yield* callModel(input, call, promptTokens);
    usage = addUsage(usage, result.usage);
    input.onUsage?.(result.usage);
    ignored = mergeIgnored(ignored, result.ignored);
    if (result.finishReason === 'content_filter') throw new ContentFilteredError(result.filteredCategory);

    if (result.finishReason === 'length') {
      // Cut short: tool calls cut mid-arguments are dropped; an empty answer is explained, never empty.
      const text = result.content ?? '';
      const answerMd =
        text.trim() === '' ? budgetSpentMessage(input.generation?.maxTokens, result.usage) : text;
      if (text.trim() === '' && input.streaming) yield { type: 'text-delta', text: answerMd };
      input.log.warn('the model answer was cut short by the token budget', {
        maxTokens: input.generation?.maxTokens ?? null,
        reasoningTokens: result.usage.reasoningTokens,
      });
      added.push({ role: 'assistant', content: answerMd, incomplete: true });
      yield finish({ intent: 'incomplete', answerMd }, 'length');
      return;
    }
    if (result.toolCalls.length === 0) {
      const answer = parseFinalAnswer(result.content);
      added.push({ role: 'assistant', content: result.content ?? '' });
      yield finish(answer, 'stop');
      return;
    }
    // The client runs its own tools: the turn ends with its calls (a server call in the same round is
    // not run; the model asks for it again once the client's results are in).
    const clientToolCalls = result.toolCalls.filter((toolCall) => isClientTool.has(toolCall.name));
    if (clientToolCalls.length > 0) {
      added.push({ role: 'assistant', content: result.content, toolCalls: clientToolCalls });
      yield finish({ intent: 'tool_calls', answerMd: result.content ?? '' }, 'tool_calls', clientToolCalls);
      return;
    }
    if (round === input.maxRounds) break;

    const assistant: ChatMessage = {
      role: 'assistant',
      content: result.content,
      toolCalls: result.toolCalls,
    };
    transcript.push(assistant);
    added.push(assistant);
    promptTokens += input.prompt?.count(assistant) ?? 0;
    for (const toolCall of result.toolCalls) {
      yield {
        type: 'tool-call',
        id: toolCall.id,
        tool: toolCall.name,
        arguments: argumentsForDisplay(toolCall.arguments),
      };
    }
    const ran = await runToolRound(result.toolCalls, input.tools, {
      timeoutMs: input.toolTimeoutMs,
      maxCalls: input.maxToolCallsPerRound,
      log: input.log,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    for (const { outcome, message } of ran) {
      transcript.push(message);
      added.push(message);
      promptTokens += input.prompt?.count(message) ?? 0;
      actions.push(outcome);
      // The end user is shown the outcome without upstream error text; the model got the diagnostics.
      yield { type: 'tool-result', id: message.toolCallId, tool: outcome.tool, result: outcome.shown };
    }
  }

  input.log.warn('tool round limit reached', { maxRounds: input.maxRounds });
  const answerMd = `I could not finish this request within ${input.maxRounds} rounds of tool calls. Please ask again more specifically.`;
  added.push({ role: 'assistant', content: answerMd });
  yield finish({ intent: 'tool_limit', answerMd }, 'tool_limit');
}
