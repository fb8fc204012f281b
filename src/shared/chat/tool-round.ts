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
  options: {
    readonly timeoutMs: number;
    /** CHAT_MAX_TOOL_CALLS_PER_ROUND: calls beyond it are not run, and the model is told so. */
    readonly maxCalls: number;
    readonly log: Logger;
    readonly signal?: AbortSignal;
  },
): Promise<ToolRoundResult[]> {
  const { maxCalls } = options;
  if (calls.length > maxCalls) {
    options.log.warn('tool calls over the per-round limit not run', { calls: calls.length, limit: maxCalls });
  }
  const outcomes = await Promise.all(
    calls.map((call, index) =>
      index < maxCalls ? runToolCall(call, tools, options) : Promise.resolve(notRun(call, maxCalls)),
    ),
  );
  return outcomes.map((outcome, index) => ({
    outcome,
    message: {
      role: 'tool',
      toolCallId: calls[index]?.id ?? '',
      content: JSON.stringify(outcome.result).slice(0, MAX_TOOL_RESULT_CHARS),
    },
  }));
}

/** A call over CHAT_MAX_TOOL_CALLS_PER_ROUND: not run, and the model is told so (every call needs an answer). */
function notRun(call: ToolCall, limit: number): ToolOutcome {
  const result = {
    error: 'tool_call_limit',
    message: `Not run: at most ${limit} tool calls are run per round. Call fewer tools at once, or continue in the next round.`,
  };
  return { tool: call.name, arguments: argumentsForDisplay(call.arguments), result, shown: result };
}

/** A call's arguments as the caller is shown them: the parsed JSON, or the model's text when it is not JSON. */
export function argumentsForDisplay(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
