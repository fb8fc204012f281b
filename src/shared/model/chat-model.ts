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
  /** Structured outputs: the model's arguments are guaranteed to match `parameters` (the strict subset). */
  readonly strict?: boolean;
}

export interface Usage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Hidden reasoning tokens, part of completionTokens (completion_tokens_details.reasoning_tokens). */
  readonly reasoningTokens: number;
  /** Prompt tokens served from Azure's prompt cache, part of promptTokens. */
  readonly cachedTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'unknown';

export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];
export const VERBOSITIES = ['low', 'medium', 'high'] as const;
export type Verbosity = (typeof VERBOSITIES)[number];

/** A parameter the caller asked for that the deployment does not take: the call went on without it. */
export interface IgnoredParameter {
  readonly param: 'temperature' | 'reasoningEffort' | 'verbosity';
  readonly message: string;
}

export interface ChatModelRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[];
  /** 'auto' by default; a name forces that function (structured output). */
  readonly toolChoice?: 'auto' | 'none' | 'required' | { readonly name: string };
  /** The caller's; dropped, and reported in `ignored`, when the deployment does not take it. */
  readonly temperature?: number;
  /** Sent as max_completion_tokens (max_tokens where a deployment takes only that); it includes reasoning. */
  readonly maxTokens?: number;
  /** The caller's; reasoning deployments get the configured default when it is unset. */
  readonly reasoningEffort?: ReasoningEffort;
  readonly verbosity?: Verbosity;
  /** A deployment other than the default (already checked against the allowlist). */
  readonly deployment?: string;
}

export interface ChatModelResult {
  readonly content: string | null;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  readonly usage: Usage;
  readonly deployment: string;
  /** The model as Azure reports it, e.g. gpt-5.4-mini-2026-03-17. */
  readonly model?: string;
  /** Parameters of the request that were not sent because the deployment does not take them. */
  readonly ignored: readonly IgnoredParameter[];
  /** With finishReason content_filter: the category the output filter flagged. */
  readonly filteredCategory?: string;
}

export type ChatModelEvent =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'finish'; readonly result: ChatModelResult };

export interface ChatModel {
  complete(request: ChatModelRequest, signal?: AbortSignal): Promise<ChatModelResult>;
  /** Text deltas as the model produces them, then one finish event with the assembled result. */
  stream(request: ChatModelRequest, signal?: AbortSignal): AsyncIterable<ChatModelEvent>;
}

export const emptyUsage: Usage = {
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  reasoningTokens: 0,
  cachedTokens: 0,
};

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
  };
}

/** The union of the parameters two calls ignored, one entry per parameter. */
export function mergeIgnored(
  a: readonly IgnoredParameter[],
  b: readonly IgnoredParameter[],
): IgnoredParameter[] {
  return [...a, ...b.filter((entry) => !a.some((known) => known.param === entry.param))];
}
