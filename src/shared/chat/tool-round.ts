import type { Logger } from '../logging/logger';
import type { ToolCall } from '../model/chat-model';
import type { ToolRegistry } from './tool-registry';
import { runToolCall, type ToolOutcome } from './tool-runner';

const MAX_TOOL_RESULT_CHARS = 16_000;

/** One tool call's outcome, and the tool message that carries it back to the model. */
export interface ToolRoundResult {
  readonly outcome: ToolOutcome;
  readonly message: { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };
}

/**
 * Runs the calls of one model round concurrently, each with its timeout, in the order the model made
 * them. Failures are outcomes for the model to read, never thrown.
 */
export async function runToolRound(
  calls: readonly ToolCall[],
  tools: ToolRegistry,
  options: { readonly timeoutMs: number; readonly log: Logger; readonly signal?: AbortSignal },
): Promise<ToolRoundResult[]> {
  const outcomes = await Promise.all(calls.map((call) => runToolCall(call, tools, options)));
  return outcomes.map((outcome, index) => ({
    outcome,
    message: {
      role: 'tool',
      toolCallId: calls[index]?.id ?? '',
      content: JSON.stringify(outcome.result).slice(0, MAX_TOOL_RESULT_CHARS),
    },
  }));
}

/** A call's arguments as the caller is shown them: the parsed JSON, or the model's text when it is not JSON. */
export function argumentsForDisplay(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
