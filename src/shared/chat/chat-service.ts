import { randomUUID } from 'node:crypto';

import { NotFoundError, ValidationError } from '../errors';
import type { HistoryStore } from '../history/history-store';
import type { HistoryWriter } from '../history/history-writer';
import type { Caller } from '../identity/caller';
import type { Logger } from '../logging/logger';
import type { ChatMessage, ChatModel, ToolCall, Usage } from '../model/chat-model';
import type { AnswerFinishReason, ParameterWarning } from './answer-status';
import { fromStoredMessages, toTurnRecord, type TurnMessage } from './chat-turn-record';
import { fitHistory } from './history-window';
import { persisting } from './persist-turn';
import { countMessageTokens } from './prompt-tokens';
import { boundedPrompt } from './prompt-window';
import { completeToolExchanges } from './tool-exchanges';
import { type ChatEvent, runToolLoop } from './tool-loop';
import type { ToolRegistry } from './tool-registry';
import type { ToolOutcome } from './tool-runner';
import { checkTools, newMessagesOf } from './turn-input';
import type { TurnRequest } from './turn-request';

export interface ChatSettings {
  readonly systemPrompt: string;
  readonly maxRounds: number;
  readonly toolTimeoutMs: number;
  readonly defaultDeployment: string;
  readonly allowedDeployments: readonly string[];
  readonly historyTokenBudget: number;
  /** CHAT_MAX_PROMPT_TOKENS: most tokens one model call may send. */
  readonly maxPromptTokens: number;
  /** CHAT_MAX_COMPLETION_TOKENS: the completion budget when a request sets none, and the cap. */
  readonly maxCompletionTokens: number;
  /** CHAT_MAX_TOOL_CALLS_PER_ROUND */
  readonly maxToolCallsPerRound: number;
}

export interface ChatAnswer {
  /** The stored conversation; for a stateless turn, an id of this turn only (nothing is stored under it). */
  readonly conversationId: string;
  readonly intent: string;
  readonly answerMd: string;
  readonly actions: readonly ToolOutcome[];
  readonly usage: Usage;
  readonly finishReason: AnswerFinishReason;
  readonly warnings: readonly ParameterWarning[];
  /** Calls of the client's own tools (TurnRequest.clientTools), for the client to run. */
  readonly clientToolCalls: readonly ToolCall[];
}

export interface TurnContext {
  readonly caller: Caller;
  readonly log: Logger;
  readonly correlationId: string;
  readonly signal?: AbortSignal;
}

export interface ChatService {
  /** Runs a whole turn, stores it (unless stateless), and returns the answer. */
  answer(request: TurnRequest, context: TurnContext): Promise<ChatAnswer>;
  /** Runs a turn as events (tool activity, text as it comes, then finish); the turn is stored when it ends. */
  stream(
    request: TurnRequest,
    context: TurnContext,
  ): Promise<{ conversationId: string; events: AsyncIterable<ChatEvent> }>;
  /** The deployments a request may name as its model, the default first. */
  deployments(): readonly string[];
}

const RECENT_MESSAGES = 200;

/**
 * Chat turns over the model with the tool loop and the caller's stored history.
 *
 * @example
 * const chat = createChatService({ model, tools, settings, store, writer });
 * const answer = await chat.answer(
 *   { messages: [{ role: 'user', content: 'Hello' }], conversation: { mode: 'new' } },
 *   { caller, log, correlationId },
 * );
 */
export function createChatService(deps: {
  model: ChatModel;
  tools: ToolRegistry;
  settings: ChatSettings;
  store: HistoryStore;
  writer: HistoryWriter;
  /** Refuses a turn before any model call (a quota), knowing its first prompt's tokens. */
  admit?: (caller: Caller, promptTokens: number) => Promise<void>;
  /** Told the usage Azure reports for each model call of a turn (the tokens quota). */
  onUsage?: (caller: Caller, usage: Usage) => void;
}): ChatService {
  const { settings } = deps;

  const deployments = [
    settings.defaultDeployment,
    ...settings.allowedDeployments.filter((name) => name !== settings.defaultDeployment),
  ];

  const start = async (request: TurnRequest, context: TurnContext, streaming: boolean) => {
    const deployment = request.model;
    if (deployment !== undefined && !deployments.includes(deployment)) {
      throw new ValidationError(
        `Model '${deployment}' is not allowed`,
        [{ path: 'model', message: 'not in AZURE_OPENAI_ALLOWED_DEPLOYMENTS' }],
        'model_not_allowed',
      );
    }
    checkTools(request.clientTools ?? [], deps.tools, request.toolChoice);
    // The turn's place in its conversation is fixed now, however late its write lands.
    const startedAt = new Date().toISOString();
    const { userId } = context.caller;
    const ref = request.conversation;
    const named = ref.mode === 'continue' || ref.mode === 'open' ? ref.id : undefined;
    let history: ChatMessage[] | undefined;
    if (named !== undefined) {
      if ((await deps.store.getConversation(userId, named)) !== undefined) {
        history = fitHistory(
          fromStoredMessages(await deps.store.recentMessages(userId, named, RECENT_MESSAGES)),
          settings.historyTokenBudget,
          countMessageTokens,
        );
      } else if (ref.mode === 'continue') {
        throw new NotFoundError('No such conversation');
      }
    }
    const conversationId = named ?? randomUUID();
    const { instructions, incoming } = newMessagesOf(request.messages, history !== undefined);
    const fixed: ChatMessage[] = [{ role: 'system', content: settings.systemPrompt }, ...instructions];
    const offered = [...deps.tools.definitions, ...(request.clientTools ?? [])];
    const window = await boundedPrompt(fixed, history ?? [], incoming, offered, settings.maxPromptTokens);
    await deps.admit?.(context.caller, window.tokens);
    const log = context.log.child({ conversationId });
    const events = runToolLoop({
      // Only complete tool exchanges (a call with all its results) of history and resent transcripts.
      messages: [...fixed, ...completeToolExchanges(window.messages.slice(fixed.length))],
      model: deps.model,
      tools: deps.tools,
      maxRounds: settings.maxRounds,
      maxToolCallsPerRound: settings.maxToolCallsPerRound,
      prompt: { tokens: window.tokens, maxTokens: settings.maxPromptTokens, count: countMessageTokens },
      toolTimeoutMs: settings.toolTimeoutMs,
      streaming,
      log,
      ...(request.clientTools === undefined ? {} : { clientTools: request.clientTools }),
      ...(request.toolChoice === undefined ? {} : { toolChoice: request.toolChoice }),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      generation: {
        // CHAT_MAX_COMPLETION_TOKENS: the budget when none is asked for, and the cap when one is.
        maxTokens: Math.min(request.maxTokens ?? settings.maxCompletionTokens, settings.maxCompletionTokens),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.reasoningEffort === undefined ? {} : { reasoningEffort: request.reasoningEffort }),
        ...(request.verbosity === undefined ? {} : { verbosity: request.verbosity }),
        ...(deployment === undefined ? {} : { deployment }),
      },
      ...(deps.onUsage === undefined
        ? {}
        : { onUsage: (usage: Usage) => deps.onUsage?.(context.caller, usage) }),
    });
    if (ref.mode === 'stateless') return { conversationId, events };
    const keepCutOff = () => streaming || context.signal?.aborted === true;
    const record = (messages: readonly TurnMessage[]) =>
      toTurnRecord({
        caller: context.caller,
        conversationId,
        isNew: history === undefined,
        correlationId: context.correlationId,
        startedAt,
        messages,
      });
    return {
      conversationId,
      events: persisting(events, incoming, record, (turn) => deps.writer.persist(turn, log), keepCutOff),
    };
  };

  return {
    async answer(request, context) {
      const { conversationId, events } = await start(request, context, false);
      for await (const event of events) {
        if (event.type === 'finish') {
          const { answer, actions, usage, finishReason, warnings, clientToolCalls } = event.outcome;
          return {
            conversationId,
            intent: answer.intent,
            answerMd: answer.answerMd,
            actions,
            usage,
            finishReason,
            warnings,
            clientToolCalls,
          };
        }
      }
      throw new Error('the chat turn ended without an answer');
    },
    stream: (request, context) => start(request, context, true),
    deployments: () => deployments,
  };
}
