import { randomUUID } from 'node:crypto';

import { ValidationError } from '../errors';
import type { Logger } from '../logging/logger';
import type { ChatMessage, ChatModel, Usage } from '../model/chat-model';
import { type ChatRequest, conversationIdOf } from './chat-request';
import { type ChatEvent, runToolLoop } from './tool-loop';
import type { ToolRegistry } from './tool-registry';
import type { ToolOutcome } from './tool-runner';

export interface ChatSettings {
  readonly systemPrompt: string;
  readonly maxRounds: number;
  readonly toolTimeoutMs: number;
  readonly defaultDeployment: string;
  readonly allowedDeployments: readonly string[];
}

export interface ChatAnswer {
  readonly conversationId: string;
  readonly intent: string;
  readonly answerMd: string;
  readonly actions: readonly ToolOutcome[];
  readonly usage: Usage;
}

export interface ChatService {
  /** Runs a whole turn and returns the answer. */
  answer(request: ChatRequest, log: Logger, signal?: AbortSignal): Promise<ChatAnswer>;
  /** Runs a turn as events: the conversation id first, then tool activity and text as it comes. */
  stream(
    request: ChatRequest,
    log: Logger,
    signal?: AbortSignal,
  ): { conversationId: string; events: AsyncIterable<ChatEvent> };
}

/**
 * Chat turns over the model with the tool loop.
 *
 * @example
 * const chat = createChatService({ model, tools, settings });
 * const answer = await chat.answer({ message: 'Hello' }, log);
 */
export function createChatService(deps: {
  model: ChatModel;
  tools: ToolRegistry;
  settings: ChatSettings;
}): ChatService {
  const { settings } = deps;

  const prepare = (request: ChatRequest, log: Logger, streaming: boolean, signal?: AbortSignal) => {
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
    const incoming: ChatMessage[] =
      request.messages !== undefined
        ? request.messages.map((message) => ({ role: message.role, content: message.content }))
        : [{ role: 'user', content: request.message ?? '' }];
    const conversationId = conversationIdOf(request) ?? randomUUID();
    const events = runToolLoop({
      messages: [{ role: 'system', content: settings.systemPrompt }, ...incoming],
      model: deps.model,
      tools: deps.tools,
      maxRounds: settings.maxRounds,
      toolTimeoutMs: settings.toolTimeoutMs,
      streaming,
      log: log.child({ conversationId }),
      ...(signal === undefined ? {} : { signal }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
      ...(deployment === undefined ? {} : { deployment }),
    });
    return { conversationId, events };
  };

  return {
    async answer(request, log, signal) {
      const { conversationId, events } = prepare(request, log, false, signal);
      for await (const event of events) {
        if (event.type === 'finish') {
          const { answer, actions, usage } = event.outcome;
          return { conversationId, intent: answer.intent, answerMd: answer.answerMd, actions, usage };
        }
      }
      throw new Error('the chat turn ended without an answer');
    },
    stream: (request, log, signal) => prepare(request, log, true, signal),
  };
}
