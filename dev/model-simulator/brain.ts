import { randomBytes } from 'node:crypto';

import { type ChatMessage, type ChatRequest, type FunctionTool, textOf } from './chat-request';
import { fillArguments, findArguments, violateSchema } from './fill-arguments';
import { type JsonSchema, toJsonSchema } from './json-schema';
import { type MagicPhrases, withoutMagicPhrases } from './magic-phrases';

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** A JSON string, as the model sends it; not always valid JSON (see `[sim:malformed-args]`). */
  readonly arguments: string;
}

export type ModelTurn =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tool-calls'; readonly calls: ToolCall[] };

const ANSWER_LIMIT = 200;
const TOOL_RESULT_LIMIT = 300;

function compact(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function lastUserText(messages: readonly ChatMessage[]): string {
  const last = messages.findLast((message) => message.role === 'user');
  return last === undefined ? '' : textOf(last.content);
}

function call(name: string, json: string): ToolCall {
  return { id: `call_${randomBytes(12).toString('base64url')}`, name, arguments: json };
}

function schemaOf(tool: FunctionTool): JsonSchema {
  return toJsonSchema(tool.function.parameters ?? {});
}

function callWithFilledArguments(tool: FunctionTool, text: string): ToolCall {
  return call(tool.function.name, JSON.stringify(fillArguments(schemaOf(tool), text)));
}

function forcedTool(request: ChatRequest): FunctionTool | undefined {
  const choice = request.tool_choice;
  if (choice === 'required') return request.tools?.[0];
  if (typeof choice !== 'object') return undefined;
  return request.tools?.find((tool) => tool.function.name === choice.function.name);
}

/**
 * Decides the model's turn from the conversation alone, so the same request always gets the same answer
 * (tool call ids aside). The README describes the rules.
 */
export function decideTurn(request: ChatRequest, phrases: MagicPhrases): ModelTurn {
  const userText = lastUserText(request.messages);
  const fillText = withoutMagicPhrases(userText);
  const tools = request.tool_choice === 'none' ? [] : (request.tools ?? []);
  const firstTool = tools[0];
  const forced = forcedTool(request);
  // Structured outputs (a strict function) guarantee arguments that match the schema.
  if (forced !== undefined && phrases.invalidArguments && forced.function.strict !== true) {
    const json = JSON.stringify(violateSchema(schemaOf(forced), fillText));
    return { kind: 'tool-calls', calls: [call(forced.function.name, json)] };
  }
  if (forced !== undefined) return { kind: 'tool-calls', calls: [callWithFilledArguments(forced, fillText)] };
  if (firstTool !== undefined && phrases.alwaysTools) {
    return { kind: 'tool-calls', calls: [callWithFilledArguments(firstTool, fillText)] };
  }
  if (request.messages.at(-1)?.role === 'tool') return { kind: 'text', text: summarise(request.messages) };
  if (firstTool !== undefined) {
    const calls = firstRoundCalls(tools, firstTool, fillText, phrases);
    const allowed = request.parallel_tool_calls === false ? calls.slice(0, 1) : calls;
    if (allowed.length > 0) return { kind: 'tool-calls', calls: allowed };
  }
  return { kind: 'text', text: `Simulated answer: ${compact(userText).slice(0, ANSWER_LIMIT)}`.trimEnd() };
}

function firstRoundCalls(
  tools: readonly FunctionTool[],
  firstTool: FunctionTool,
  text: string,
  phrases: MagicPhrases,
): ToolCall[] {
  if (phrases.malformedArguments) {
    const firstProperty = Object.keys(schemaOf(firstTool).properties ?? {})[0] ?? 'a';
    return [call(firstTool.function.name, `{"${firstProperty}": `)];
  }
  if (phrases.unknownTool) return [call('no_such_tool', '{}')];
  return tools.flatMap((tool) => {
    const schema = schemaOf(tool);
    const found = findArguments(schema, text);
    const qualifies = (schema.required ?? []).length > 0 && found.missing.length === 0;
    return qualifies ? [call(tool.function.name, JSON.stringify(found.values))] : [];
  });
}

/** "Summary of tool results: name: content; ..." over the tool messages since the last user message. */
function summarise(messages: readonly ChatMessage[]): string {
  const lastUser = messages.findLastIndex((message) => message.role === 'user');
  const names = new Map<string, string>();
  const parts: string[] = [];
  for (const message of messages.slice(lastUser + 1)) {
    if (message.role === 'assistant') {
      for (const toolCall of message.tool_calls ?? []) names.set(toolCall.id, toolCall.function.name);
    }
    if (message.role === 'tool') {
      const name = names.get(message.tool_call_id) ?? message.tool_call_id;
      parts.push(`${name}: ${compactResult(textOf(message.content)).slice(0, TOOL_RESULT_LIMIT)}`);
    }
  }
  return `Summary of tool results: ${parts.join('; ')}`;
}

function compactResult(content: string): string {
  try {
    return JSON.stringify(JSON.parse(content));
  } catch {
    return compact(content);
  }
}
