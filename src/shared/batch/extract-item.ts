import type { ValidateFunction } from 'ajv';

import type { ChatMessage, ChatModel, ToolDefinition } from '../model/chat-model';
import type { BatchItem } from './batch-messages';
import type { ExtractionMode } from './batch-store';
import { describeSchemaErrors } from './output-schema';
import { toStrictSchema, withoutAddedNulls } from './strict-schema';

export const OUTPUT_FUNCTION = 'record_output';

export type Extraction =
  | { readonly ok: true; readonly output: Record<string, unknown>; readonly exchange: ChatMessage[] }
  | { readonly ok: false; readonly error: string; readonly exchange: ChatMessage[] };

export interface ExtractionJob {
  readonly schema: Record<string, unknown>;
  readonly instructions?: string | undefined;
  readonly extraction: ExtractionMode;
  readonly validate: ValidateFunction;
  /** max_completion_tokens of each call (CHAT_MAX_COMPLETION_TOKENS); it includes reasoning tokens. */
  readonly maxTokens: number;
}

export const itemText = (input: BatchItem): string =>
  typeof input === 'string' ? input : JSON.stringify(input);

/** The function the model must call: the job schema, made strict when the job's mode says so. */
function outputTool(job: ExtractionJob): ToolDefinition {
  const plan = job.extraction.mode === 'strict' ? toStrictSchema(job.schema) : undefined;
  return {
    name: OUTPUT_FUNCTION,
    description: 'Records the structured output extracted from the input.',
    ...(plan?.strict === true ? { parameters: plan.schema, strict: true } : { parameters: job.schema }),
  };
}

/**
 * Structured extraction of one item: the schema is the only function and tool_choice forces it,
 * so the output is read from the call's arguments, never from `content`. In strict mode structured outputs
 * guarantee the schema; otherwise, and as a check in strict mode, the output is validated with ajv against
 * the job's own schema, and an answer that fails it is re-asked once with the errors. An answer cut short
 * by the token budget, or stopped by the content filter, fails the item with that reason.
 */
export async function extractItem(
  model: ChatModel,
  job: ExtractionJob,
  input: BatchItem,
  signal?: AbortSignal,
): Promise<Extraction> {
  const tool = outputTool(job);
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
      { messages: exchange, tools: [tool], toolChoice: { name: OUTPUT_FUNCTION }, maxTokens: job.maxTokens },
      signal,
    );
    if (result.finishReason === 'length') {
      return {
        ok: false,
        error: `the model's answer was cut short by the token budget (${job.maxTokens} tokens, ${result.usage.reasoningTokens} of them on reasoning; finish_reason length)`,
        exchange,
      };
    }
    if (result.finishReason === 'content_filter') {
      const category = result.filteredCategory === undefined ? '' : ` (category: ${result.filteredCategory})`;
      return {
        ok: false,
        error: `content_filtered: the output was stopped by the Azure OpenAI content filter${category}`,
        exchange,
      };
    }
    const call = result.toolCalls.find((candidate) => candidate.name === OUTPUT_FUNCTION);
    if (call === undefined) {
      problems = ['the model did not call the function'];
      exchange.push({ role: 'assistant', content: result.content });
      exchange.push({ role: 'user', content: `Call ${OUTPUT_FUNCTION}; do not answer in text.` });
      continue;
    }
    exchange.push({ role: 'assistant', content: null, toolCalls: [call] });
    const parsed = parseObject(call.arguments);
    const output =
      parsed === undefined || tool.strict !== true ? parsed : withoutAddedNulls(job.schema, parsed);
    if (output === undefined || !isRecord(output)) {
      problems = ['the arguments are not a JSON object'];
    } else if (passes(job.validate, output)) {
      exchange.push({ role: 'tool', toolCallId: call.id, content: '{"recorded":true}' });
      return { ok: true, output, exchange };
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? Object.fromEntries(Object.entries(value)) : undefined;
  } catch {
    return undefined;
  }
}

/** Only `true` passes: a validator that returned anything else (a Promise, say) proved nothing. */
function passes(validate: ValidateFunction, output: unknown): boolean {
  const result: unknown = validate(output);
  return result === true;
}
