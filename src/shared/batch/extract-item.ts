import type { ValidateFunction } from 'ajv';

import type { ChatMessage, ChatModel, ToolDefinition } from '../model/chat-model';
import type { BatchItem } from './batch-messages';
import { describeSchemaErrors } from './output-schema';

export const OUTPUT_FUNCTION = 'record_output';

export type Extraction =
  | { readonly ok: true; readonly output: Record<string, unknown>; readonly exchange: ChatMessage[] }
  | { readonly ok: false; readonly error: string; readonly exchange: ChatMessage[] };

export const itemText = (input: BatchItem): string =>
  typeof input === 'string' ? input : JSON.stringify(input);

/**
 * Structured extraction of one item by function calling: the schema is the only function and tool_choice forces it,
 * so the output is read from the call's arguments, never from `content`. An answer that fails the schema is
 * re-asked once with the validation errors; a second failure fails the item with the reason.
 */
export async function extractItem(
  model: ChatModel,
  job: { schema: Record<string, unknown>; instructions?: string | undefined; validate: ValidateFunction },
  input: BatchItem,
  signal?: AbortSignal,
): Promise<Extraction> {
  const tool: ToolDefinition = {
    name: OUTPUT_FUNCTION,
    description: 'Records the structured output extracted from the input.',
    parameters: job.schema,
  };
  const exchange: ChatMessage[] = [
    {
      role: 'system',
      content: [
        `Extract structured data from the user's input. Always answer by calling ${OUTPUT_FUNCTION} with arguments that follow its JSON Schema exactly.`,
        job.instructions ?? '',
      ].join('\n'),
    },
    { role: 'user', content: itemText(input) },
  ];
  let problems: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const result = await model.complete(
      { messages: exchange, tools: [tool], toolChoice: { name: OUTPUT_FUNCTION } },
      signal,
    );
    const call = result.toolCalls.find((candidate) => candidate.name === OUTPUT_FUNCTION);
    if (call === undefined) {
      problems = ['the model did not call the function'];
      exchange.push({ role: 'assistant', content: result.content });
      exchange.push({ role: 'user', content: `Call ${OUTPUT_FUNCTION}; do not answer in text.` });
      continue;
    }
    exchange.push({ role: 'assistant', content: null, toolCalls: [call] });
    const parsed = parseObject(call.arguments);
    if (parsed === undefined) {
      problems = ['the arguments are not a JSON object'];
    } else if (job.validate(parsed)) {
      exchange.push({ role: 'tool', toolCallId: call.id, content: '{"recorded":true}' });
      return { ok: true, output: parsed, exchange };
    } else {
      problems = describeSchemaErrors(job.validate);
    }
    exchange.push({
      role: 'tool',
      toolCallId: call.id,
      content: JSON.stringify({ error: 'validation_failed', problems }),
    });
  }
  return {
    ok: false,
    error: `the output did not match the schema after 2 attempts: ${problems.join('; ')}`,
    exchange,
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value))
      : undefined;
  } catch {
    return undefined;
  }
}
