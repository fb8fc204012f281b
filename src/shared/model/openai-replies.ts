import * as z from 'zod';

import { UpstreamError } from '../errors';
import { emptyUsage, type FinishReason, type ToolCall, type Usage } from './chat-model';

// Only the fields we use are checked; Azure adds others (filter results) that we ignore.
const count = z.number().int().nonnegative();
// Details are read leniently: older api-versions leave them out, or send nulls.
const detail = count.nullish().catch(undefined);
const usageSchema = z.object({
  prompt_tokens: count,
  completion_tokens: count,
  total_tokens: count,
  completion_tokens_details: z.object({ reasoning_tokens: detail }).nullish().catch(undefined),
  prompt_tokens_details: z.object({ cached_tokens: detail }).nullish().catch(undefined),
});

/** Azure's per-category output filter verdicts; a category that tripped says `filtered: true`. */
const filterResults = z
  .record(z.string(), z.unknown())
  .nullish()
  .catch(undefined)
  .transform((results) => {
    const flagged = Object.entries(results ?? {}).find(
      ([, verdict]) => z.object({ filtered: z.literal(true) }).safeParse(verdict).success,
    );
    return flagged?.[0];
  });

const completionSchema = z.object({
  model: z.string().nullish().catch(undefined),
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        content_filter_results: filterResults,
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
  model: z.string().nullish().catch(undefined),
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        content_filter_results: filterResults,
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
    ? emptyUsage
    : {
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
        totalTokens: usage.total_tokens,
        reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
        cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
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
  model?: string;
  filteredCategory?: string;
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
    ...(parsed.data.model ? { model: parsed.data.model } : {}),
    ...(choice.content_filter_results === undefined
      ? {}
      : { filteredCategory: choice.content_filter_results }),
  };
}

export function parseChunk(chunk: unknown): ParsedChunk {
  const parsed = chunkSchema.safeParse(chunk);
  if (!parsed.success) throw badReply();
  return parsed.data;
}
