import { randomUUID } from 'node:crypto';

import { NotFoundError, ValidationError } from '../errors';
import type { HistoryStore } from '../history/history-store';
import type { HistoryWriter } from '../history/history-writer';
import type { Caller } from '../identity/caller';
import type { Logger } from '../logging/logger';
import type { ChatMessage, ChatModel, Usage } from '../model/chat-model';
import { type ChatRequest, conversationIdOf } from './chat-request';
import { fromStoredMessages, toTurnRecord, type TurnMessage } from './chat-turn-record';
import { fitHistory } from './history-window';
import { countMessageTokens } from './prompt-tokens';
import { boundedPrompt, newMessagesOf } from './prompt-window';
import { type ChatEvent, runToolLoop } from './tool-loop';
import type { ToolRegistry } from './tool-registry';
import type { ToolOutcome } from './tool-runner';

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
  readonly conversationId: string;
  readonly intent: string;
  readonly answerMd: string;
  readonly actions: readonly ToolOutcome[];
  readonly usage: Usage;
}

export interface TurnContext {
  readonly caller: Caller;
  readonly log: Logger;
  readonly correlationId: string;
  readonly signal?: AbortSignal;
}

export interface ChatService {
  /** Runs a whole turn, stores it, and returns the answer. */
  answer(request: ChatRequest, context: TurnContext): Promise<ChatAnswer>;
  /** Runs a turn as events (tool activity, text as it comes, then finish); the turn is stored when it ends. */
  stream(
    request: ChatRequest,
    context: TurnContext,
  ): Promise<{ conversationId: string; events: AsyncIterable<ChatEvent> }>;
}

const RECENT_MESSAGES = 200;

/**
 * Chat turns over the model with the tool loop and the caller's stored history.
 *
 * @example
 * const chat = createChatService({ model, tools, settings, store, writer });
 * const answer = await chat.answer({ message: 'Hello' }, { caller, log, correlationId });
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

  const start = async (request: ChatRequest, context: TurnContext, streaming: boolean) => {
    const deployment = request.model;
    if (
      deployment !== undefined &&
      deployment !== settings.defaultDeployment &&
      !settings.allowedDeployments.includes(deployment)
    ) {
      throw new ValidationError(
        `Model '${deployment}' is not allowed`,
        [{ path: 'model', message: 'not in AZURE_OPENAI_ALLOWED_DEPLOYMENTS' }],
        'model_not_allowed',
      );
    }
    const { userId } = context.caller;
    const requestedId = conversationIdOf(request);
    let history: ChatMessage[] = [];
    if (requestedId !== undefined) {
      if ((await deps.store.getConversation(userId, requestedId)) === undefined)
        throw new NotFoundError('No such conversation');
      history = fitHistory(
        fromStoredMessages(await deps.store.recentMessages(userId, requestedId, RECENT_MESSAGES)),
        settings.historyTokenBudget,
        countMessageTokens,
      );
    }
    const conversationId = requestedId ?? randomUUID();
    const { instructions, incoming } = newMessagesOf(request, history.length > 0);
    const fixed: ChatMessage[] = [{ role: 'system', content: settings.systemPrompt }, ...instructions];
    const window = await boundedPrompt(
      fixed,
      history,
      incoming,
      deps.tools.definitions,
      settings.maxPromptTokens,
    );
    await deps.admit?.(context.caller, window.tokens);
    const log = context.log.child({ conversationId });
    const events = runToolLoop({
      messages: window.messages,
      model: deps.model,
      tools: deps.tools,
      maxRounds: settings.maxRounds,
      maxToolCallsPerRound: settings.maxToolCallsPerRound,
      prompt: { tokens: window.tokens, maxTokens: settings.maxPromptTokens, count: countMessageTokens },
      toolTimeoutMs: settings.toolTimeoutMs,
      streaming,
      log,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      maxTokens: Math.min(request.maxTokens ?? settings.maxCompletionTokens, settings.maxCompletionTokens),
      ...(deployment === undefined ? {} : { deployment }),
      ...(deps.onUsage === undefined
        ? {}
        : { onUsage: (usage: Usage) => deps.onUsage?.(context.caller, usage) }),
    });
    const record = (messages: readonly TurnMessage[]) =>
      toTurnRecord({
        caller: context.caller,
        conversationId,
        isNew: requestedId === undefined,
        correlationId: context.correlationId,
        messages,
      });
    return {
      conversationId,
      events: persisting(events, incoming, record, (turn) => deps.writer.persist(turn, log), streaming),
    };
  };

  return {
    async answer(request, context) {
      const { conversationId, events } = await start(request, context, false);
      for await (const event of events) {
        if (event.type === 'finish') {
          const { answer, actions, usage } = event.outcome;
          return { conversationId, intent: answer.intent, answerMd: answer.answerMd, actions, usage };
        }
      }
      throw new Error('the chat turn ended without an answer');
    },
    stream: (request, context) => start(request, context, true),
  };
}

/** Stores the turn when it finishes, or, if it is cut off after producing something, as far as it got. */
async function* persisting(
  events: AsyncIterable<ChatEvent>,
  incoming: readonly ChatMessage[],
  record: (messages: readonly TurnMessage[]) => ReturnType<typeof toTurnRecord>,
  persist: (turn: ReturnType<typeof toTurnRecord>) => Promise<unknown>,
  /** Only a stream has shown the caller part of an answer; a failed JSON turn is simply retried. */
  keepCutOff: boolean,
): AsyncGenerator<ChatEvent, void, undefined> {
  let text = '';
  let produced = false;
  let finished = false;
  try {
    for await (const event of events) {
      produced = true;
      if (event.type === 'text-delta') text += event.text;
      if (event.type === 'finish') {
        finished = true;
        await persist(record([...incoming, ...event.outcome.newMessages]));
      }
      yield event;
    }
  } finally {
    if (!finished && produced && keepCutOff)
      await persist(record([...incoming, { role: 'assistant', content: text, incomplete: true }]));
  }
}
