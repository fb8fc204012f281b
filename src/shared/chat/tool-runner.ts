import { ensureError } from '../errors';
import type { Logger } from '../logging/logger';
import type { ToolCall } from '../model/chat-model';
import type { ToolRegistry } from './tool-registry';

export interface ToolOutcome {
  readonly tool: string;
  /** The parsed arguments, or the raw text when it was not JSON. */
  readonly arguments: unknown;
  /** What the model is told, diagnostics included. */
  readonly result: unknown;
  /** What the end user is shown (actions_result, tool_result events): no upstream error text. */
  readonly shown: unknown;
}

const outcome = (tool: string, args: unknown, result: unknown, shown: unknown = result): ToolOutcome => ({
  tool,
  arguments: args,
  result,
  shown,
});

/**
 * Runs one tool call. Nothing here throws: unparsable arguments, schema violations, unknown tools,
 * failures and timeouts all become a result the model reads and can correct itself from.
 */
export async function runToolCall(
  call: ToolCall,
  registry: ToolRegistry,
  options: { timeoutMs: number; signal?: AbortSignal; log: Logger },
): Promise<ToolOutcome> {
  let parsed: unknown;
  try {
    parsed = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return outcome(call.name, call.arguments, {
      error: 'invalid_arguments',
      message: 'The arguments are not valid JSON; send a JSON object',
    });
  }
  const tool = registry.find(call.name);
  if (tool === undefined) {
    const known = registry.definitions.map((definition) => definition.name);
    return outcome(call.name, parsed, {
      error: 'unknown_tool',
      message: `No tool named "${call.name}"`,
      knownTools: known,
    });
  }
  const input = tool.input.safeParse(parsed);
  if (!input.success) {
    const issues = input.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    return outcome(call.name, parsed, { error: 'invalid_arguments', issues });
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  try {
    const result = await Promise.race([
      tool.run(input.data, { signal, log: options.log }),
      new Promise<never>((_, reject) => {
        signal.addEventListener(
          'abort',
          () => {
            reject(new Error('tool aborted'));
          },
          { once: true },
        );
      }),
    ]);
    const value = result ?? null;
    return outcome(call.name, input.data, value, tool.shownToUser?.(value) ?? value);
  } catch (thrown) {
    const error = ensureError(thrown);
    // A tool that honours the signal rejects with its own error when the timeout fires: still a timeout.
    if (timeout.aborted) {
      return outcome(call.name, input.data, {
        error: 'tool_timeout',
        message: `No result within ${options.timeoutMs} ms`,
      });
    }
    options.log.warn('tool failed', { tool: call.name, error });
    // The model gets the error text to explain; the user sees only that the tool failed.
    return outcome(
      call.name,
      input.data,
      { error: 'tool_failed', message: error.message.slice(0, 500) },
      { error: 'tool_failed', message: 'The tool failed; the assistant was told why' },
    );
  }
}
