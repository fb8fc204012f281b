import { z } from 'zod';

// What the web app reads from the API, parsed at the boundary (the API's OpenAPI document has the rest).

export const conversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messageCount: z.number(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const conversationPageSchema = z.object({
  conversations: z.array(conversationSummarySchema),
  continuationToken: z.string().optional(),
});

export const storedMessageSchema = z.object({
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.string(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })).optional(),
  toolCallId: z.string().optional(),
  incomplete: z.boolean().optional(),
  seq: z.number(),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const conversationDetailSchema = z.object({
  id: z.string(),
  title: z.string(),
  messages: z.array(storedMessageSchema),
  continuationToken: z.string().optional(),
});

/** The metadata of an answer of POST /api/chat/ui (`warnings` when the API sends them). */
export const answerMetadataSchema = z.object({
  conversationId: z.string().optional(),
  intent: z.string().optional(),
  finishReason: z.string().optional(),
  warnings: z.array(z.union([z.string(), z.object({ message: z.string() }).loose()])).optional(),
  usage: z
    .object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() })
    .optional(),
});
export type AnswerMetadata = z.infer<typeof answerMetadataSchema>;

export const batchJobSchema = z.object({
  jobId: z.string(),
  status: z.string(),
  total: z.number(),
  succeeded: z.number().optional(),
  failed: z.number().optional(),
  pending: z.number().optional(),
});
export type BatchJob = z.infer<typeof batchJobSchema>;

export const batchResultsSchema = z.object({
  items: z.array(
    z.object({
      index: z.number(),
      input: z.unknown(),
      output: z.unknown().optional(),
      error: z.string().optional(),
    }),
  ),
  continuationToken: z.string().optional(),
});
export type BatchResult = z.infer<typeof batchResultsSchema>['items'][number];
