/** The chat model port: what the chat loop, completions and batch need from Azure OpenAI. */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** The model's raw JSON text; parsed and validated by the caller, never trusted. */
  readonly arguments: string;
}

export type ChatMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'unknown';

export interface ChatModelRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[];
  /** 'auto' by default; a name forces that function (structured output). */
  readonly toolChoice?: 'auto' | 'none' | 'required' | { readonly name: string };
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** A deployment other than the default (already checked against the allowlist). */
  readonly deployment?: string;
}

export interface ChatModelResult {
  readonly content: string | null;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  readonly usage: Usage;
  readonly deployment: string;
}

export type ChatModelEvent =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'finish'; readonly result: ChatModelResult };

export interface ChatModel {
  complete(request: ChatModelRequest, signal?: AbortSignal): Promise<ChatModelResult>;
  /** Text deltas as the model produces them, then one finish event with the assembled result. */
  stream(request: ChatModelRequest, signal?: AbortSignal): AsyncIterable<ChatModelEvent>;
}

export const emptyUsage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}
