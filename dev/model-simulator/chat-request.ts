import { z } from 'zod';

import { badRequest } from './azure-errors';
import type { Reply } from './http-io';

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const userPart = z.discriminatedUnion('type', [
  textPart,
  z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string() }) }),
]);
const textContent = z.union([z.string(), z.array(textPart).min(1)]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const name = z.string().optional();

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: textContent, name }),
  z.looseObject({ role: z.literal('developer'), content: textContent, name }),
  z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(userPart).min(1)]), name }),
  z
    .looseObject({
      role: z.literal('assistant'),
      content: textContent.nullable().optional(),
      tool_calls: z.array(toolCall).optional(),
      refusal: z.string().nullable().optional(),
      name,
    })
    .refine(
      (assistant) =>
        (assistant.content ?? undefined) !== undefined || (assistant.tool_calls ?? []).length > 0,
      {
        message: "An assistant message needs 'content' unless it has 'tool_calls'",
        path: ['content'],
      },
    ),
  z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }),
]);

const functionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);

const positiveInteger = z.number().int().positive().nullable().optional();

export const chatRequestSchema = z
  .looseObject({
    model: z.string().optional(),
    messages: z.array(message).min(1),
    tools: z.array(functionTool).min(1).optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    max_tokens: positiveInteger,
    max_completion_tokens: positiveInteger,
    // Which efforts a model takes depends on the model: the deployment's profile decides.
    reasoning_effort: z.string().nullable().optional(),
    verbosity: z.enum(['low', 'medium', 'high']).nullable().optional(),
  })
  .superRefine((request, context) => {
    if (request.tool_choice !== undefined && request.tools === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: "'tool_choice' is only allowed when 'tools' are specified",
      });
    }
    const chosen = typeof request.tool_choice === 'object' ? request.tool_choice.function.name : undefined;
    if (chosen !== undefined && request.tools?.every((tool) => tool.function.name !== chosen) === true) {
      context.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: `tool_choice '${chosen}' not found in 'tools' parameter`,
      });
    }
    if ((request.stream_options ?? undefined) !== undefined && request.stream !== true) {
      context.addIssue({
        code: 'custom',
        path: ['stream_options'],
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled",
      });
    }
  });

export type ChatRequest = z.output<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];
export type FunctionTool = NonNullable<ChatRequest['tools']>[number];

export function parseChatRequest(body: unknown): { request: ChatRequest } | { reply: Reply } {
  const result = chatRequestSchema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
    return { reply: badRequest(`Invalid request body. ${problems.join('; ')}`) };
  }
  const pairing = checkToolMessages(result.data.messages);
  return pairing === undefined ? { request: result.data } : { reply: pairing };
}

/**
 * OpenAI's rules: every tool message answers a call of the assistant message before it, and every call of
 * an assistant message is answered before the conversation moves on.
 */
function checkToolMessages(messages: readonly ChatMessage[]): Reply | undefined {
  let open = new Set<string>();
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (!open.delete(message.tool_call_id)) {
        return badRequest(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${index}].role`,
        );
      }
      continue;
    }
    if (open.size > 0) return unansweredCalls(open, index);
    open = new Set(message.role === 'assistant' ? (message.tool_calls ?? []).map((call) => call.id) : []);
  }
  return open.size > 0 ? unansweredCalls(open, messages.length) : undefined;
}

function unansweredCalls(open: ReadonlySet<string>, index: number): Reply {
  return badRequest(
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`,
    `messages.[${index}].role`,
  );
}

export function textOf(content: ChatMessage['content']): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}
