import type { ChatMessage, ReasoningEffort, ToolDefinition, Verbosity } from '../model/chat-model';

/** Which stored conversation a turn belongs to, if any. */
export type ConversationRef =
  /** A new stored conversation under a new id. */
  | { readonly mode: 'new' }
  /** A stored conversation of the caller; 404 when there is none with this id. */
  | { readonly mode: 'continue'; readonly id: string }
  /** Continued when the caller has it, else created under this id (the client chose it). */
  | { readonly mode: 'open'; readonly id: string }
  /** Nothing is read or stored: the caller's messages are the whole transcript. */
  | { readonly mode: 'stateless' };

/** How the model may use tools in the turn's first model call; later calls are always 'auto'. */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

/**
 * One chat turn as every protocol's edge hands it to the chat service: the caller's messages as model
 * messages (system messages are this turn's instructions), the conversation, and the model options.
 */
export interface TurnRequest {
  readonly messages: readonly ChatMessage[];
  readonly conversation: ConversationRef;
  /** Tools the client runs itself: offered to the model, and a call to one ends the turn with it. */
  readonly clientTools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly temperature?: number;
  /** The completion budget of each model call, reasoning included (default CHAT_MAX_COMPLETION_TOKENS). */
  readonly maxTokens?: number;
  /** Reasoning deployments only; elsewhere left out with a warning. */
  readonly reasoningEffort?: ReasoningEffort;
  readonly verbosity?: Verbosity;
  /** A deployment other than the default; it must be in the allowlist. */
  readonly model?: string;
}
