import { firstBrokenToolExchange } from '../chat/tool-exchanges';
import type { ToolChoice, TurnRequest } from '../chat/turn-request';
import { ValidationError } from '../errors';
import type { ChatMessage, ToolDefinition } from '../model/chat-model';
import type { OpenAIChatRequest, OpenAIMessage } from './api-contract/openai-schemas';

const textOf = (content: OpenAIMessage['content']): string =>
  typeof content === 'string' ? content : (content ?? []).map((part) => part.text).join('');

function toChatMessage(message: OpenAIMessage): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(message.content) };
    case 'user':
      return { role: 'user', content: textOf(message.content) };
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: textOf(message.content) };
    case 'assistant': {
      const calls = message.tool_calls ?? [];
      const text = textOf(message.content);
      return {
        role: 'assistant',
        content: text === '' && calls.length > 0 ? null : text,
        ...(calls.length === 0
          ? {}
          : {
              toolCalls: calls.map((call) => ({
                id: call.id,
                name: call.function.name,
                arguments: call.function.arguments,
              })),
            }),
      };
    }
  }
}

function toToolChoice(choice: OpenAIChatRequest['tool_choice']): ToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

/**
 * The turn an OpenAI Chat Completions request asks for: stateless (the messages are the transcript), or
 * stored in the caller's conversation `conversationId` (X-Conversation-Id). Tools the client declares are
 * the client's, returned to it as tool_calls; a transcript whose tool messages and tool calls do not pair
 * up is refused here, as OpenAI refuses it.
 */
export function fromOpenAIRequest(body: OpenAIChatRequest, conversationId: string | undefined): TurnRequest {
  const messages = body.messages.map(toChatMessage);
  const broken = firstBrokenToolExchange(messages);
  if (broken !== undefined) {
    throw new ValidationError(
      'Each tool message must answer a tool call of the assistant message before it, and every tool call must be answered',
      [{ path: `messages.${broken}`, message: 'a tool call and its tool messages do not pair up' }],
    );
  }
  const clientTools = (body.tools ?? []).map((tool): ToolDefinition => ({
    name: tool.function.name,
    description: tool.function.description ?? '',
    parameters: tool.function.parameters ?? { type: 'object', properties: {} },
  }));
  const toolChoice = toToolChoice(body.tool_choice);
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  return {
    messages,
    conversation: conversationId === undefined ? { mode: 'stateless' } : { mode: 'open', id: conversationId },
    model: body.model,
    ...(clientTools.length === 0 ? {} : { clientTools }),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(body.temperature === null || body.temperature === undefined ? {} : { temperature: body.temperature }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
  };
}
