import type * as z from 'zod';

import type { Logger } from '../logging/logger';

export interface ToolContext {
  /** Aborted when the tool's timeout passes or the caller goes away. */
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * A tool the chat model may call: declared once, with a zod input schema that is sent to the model
 * as JSON Schema and validates the model's arguments before `run` sees them.
 *
 * A tool reports a failure it can explain (an upstream error, a bad key) in its result, so the model can
 * tell the user; anything it throws also goes back to the model as the tool message, never to the caller.
 *
 * @example
 * export const echoTool = defineTool({
 *   name: 'echo',
 *   description: 'Repeats a text',
 *   input: z.object({ text: z.string() }),
 *   run: async ({ text }) => ({ text }),
 * });
 */
export interface Tool<S extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly description: string;
  readonly input: S;
  run(input: z.output<S>, context: ToolContext): Promise<unknown>;
  /**
   * What the end user is shown of a result (actions_result, stream tool_result events), when it is not the
   * whole result: the model gets diagnostics to explain, the user no upstream error text.
   */
  shownToUser?(result: unknown): unknown;
}

export function defineTool<S extends z.ZodObject>(tool: Tool<S>): Tool<S> {
  return tool;
}
