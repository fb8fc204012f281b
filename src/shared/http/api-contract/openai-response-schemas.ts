import { z } from 'zod';

// OpenAI's Chat Completions response objects as this API writes them (toChatCompletion, toOpenAIChunks,
// toModelList), and OpenAI's error object, which the OpenAI-compatible routes answer failures with.

export const openAIErrorBodySchema = z
  .strictObject({
    error: z.strictObject({
      message: z.string(),
      type: z
        .string()
        .meta({ description: 'invalid_request_error, authentication_error, requests, server_error' }),
      param: z.string().nullable().meta({ description: 'The offending parameter, e.g. messages.2.role' }),
      code: z.string().nullable().meta({ description: "This API's error code, e.g. validation_error" }),
    }),
  })
  .meta({
    id: 'OpenAIError',
    description: "OpenAI's error object; the correlation id is the X-Request-ID header",
  });

const usageSchema = z
  .strictObject({
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    total_tokens: z.number().int().nonnegative(),
  })
  .meta({ id: 'OpenAIUsage' });

const finishReasonSchema = z.enum(['stop', 'length', 'tool_calls', 'content_filter']);

const toolCallSchema = z.strictObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string(), arguments: z.string() }),
});

export const chatCompletionSchema = z
  .strictObject({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.strictObject({
        index: z.number().int(),
        message: z.strictObject({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          refusal: z.null(),
          tool_calls: z.array(toolCallSchema).optional(),
        }),
        logprobs: z.null(),
        finish_reason: finishReasonSchema,
      }),
    ),
    usage: usageSchema,
  })
  .meta({ id: 'OpenAIChatCompletion' });

export const chatCompletionChunkSchema = z
  .union([
    z.strictObject({
      id: z.string(),
      object: z.literal('chat.completion.chunk'),
      created: z.number().int(),
      model: z.string(),
      choices: z.array(
        z.strictObject({
          index: z.number().int(),
          delta: z.strictObject({
            role: z.literal('assistant').optional(),
            content: z.string().optional(),
            tool_calls: z.array(toolCallSchema.extend({ index: z.number().int() })).optional(),
          }),
          logprobs: z.null(),
          finish_reason: finishReasonSchema.nullable(),
        }),
      ),
      usage: z.union([usageSchema, z.null()]).optional(),
    }),
    openAIErrorBodySchema,
  ])
  .meta({
    id: 'OpenAIChatCompletionChunk',
    description:
      'The JSON of one `data:` event: a chat.completion.chunk, or an error after the stream started; the stream ends with `data: [DONE]`',
  });

export const modelListSchema = z
  .strictObject({
    object: z.literal('list'),
    data: z.array(
      z.strictObject({
        id: z.string().meta({ description: 'A deployment name, usable as model' }),
        object: z.literal('model'),
        created: z.number().int(),
        owned_by: z.string(),
      }),
    ),
  })
  .meta({ id: 'OpenAIModelList' });

export type ChatCompletion = z.output<typeof chatCompletionSchema>;
export type ChatCompletionChunk = Exclude<z.output<typeof chatCompletionChunkSchema>, { error: unknown }>;
export type ModelList = z.output<typeof modelListSchema>;
