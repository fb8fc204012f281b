import { z } from 'zod';

import { UpstreamError } from '../errors';
import type { FinishReason, ToolCall, Usage } from './chat-model';

// Only the fields we use are checked; Azure adds others (filter results) that we ignore.
const usageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
  usage: usageSchema.nullish(),
});

const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        // Azure sends chunks without a delta (asynchronous content filtering): they are skipped.
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().nonnegative(),
                  id: z.string().nullish(),
                  function: z
                    .object({ name: z.string().nullish(), arguments: z.string().nullish() })
                    .nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
      }),
    )
    .default([]),
  usage: usageSchema.nullish(),
});

export type ParsedChunk = z.infer<typeof chunkSchema>;
export type ParsedToolCallDelta = NonNullable<
  NonNullable<ParsedChunk['choices'][number]['delta']>['tool_calls']
>[number];

export function toUsage(usage: z.infer<typeof usageSchema> | null | undefined): Usage {
  return usage === null || usage === undefined
    ? { promptTokens: 0, completionTokens: 0, totalTokens: 0 }
    : {
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
        totalTokens: usage.total_tokens,
      };
}

export function toFinishReason(reason: string | null | undefined): FinishReason {
  return reason === 'stop' || reason === 'length' || reason === 'tool_calls' || reason === 'content_filter'
    ? reason
    : 'unknown';
}

function badReply(): UpstreamError {
  return new UpstreamError(502, 'model_bad_response', 'Azure OpenAI sent a reply this app could not read');
}

export function parseCompletion(reply: unknown): {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
} {
  const parsed = completionSchema.safeParse(reply);
  if (!parsed.success) throw badReply();
  const [choice] = parsed.data.choices;
  if (choice === undefined) throw badReply();
  return {
    content: choice.message.content ?? null,
    toolCalls: (choice.message.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    })),
    finishReason: toFinishReason(choice.finish_reason),
    usage: toUsage(parsed.data.usage),
  };
}

export function parseChunk(chunk: unknown): ParsedChunk {
  const parsed = chunkSchema.safeParse(chunk);
  if (!parsed.success) throw badReply();
  return parsed.data;
}
