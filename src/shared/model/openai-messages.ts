import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

import type { ChatMessage, ChatModelRequest, ToolDefinition } from './chat-model';

export function toOpenAIMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    if (message.role === 'tool')
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    if (message.role === 'assistant') {
      const toolCalls = message.toolCalls ?? [];
      return {
        role: 'assistant',
        content: message.content,
        ...(toolCalls.length === 0
          ? {}
          : {
              tool_calls: toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            }),
      };
    }
    return { role: message.role, content: message.content };
  });
}

export function toOpenAITools(tools: readonly ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === '' ? {} : { description: tool.description }),
      parameters: { ...tool.parameters },
    },
  }));
}

/** The body fields shared by streamed and non-streamed calls. */
export function toOpenAIBody(request: ChatModelRequest, deployment: string) {
  const tools = request.tools ?? [];
  const choice = request.toolChoice;
  return {
    model: deployment,
    messages: toOpenAIMessages(request.messages),
    ...(tools.length === 0 ? {} : { tools: toOpenAITools(tools) }),
    ...(tools.length === 0 || choice === undefined
      ? {}
      : {
          tool_choice:
            typeof choice === 'string'
              ? choice
              : { type: 'function' as const, function: { name: choice.name } },
        }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
  };
}
