import * as z from 'zod';

import { conversationIdSchema } from './conversation-id';

export const storedMessageSchema = z.object({
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.string(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })).optional(),
  toolCallId: z.string().optional(),
  /** The answer was cut off (the client disconnected or the model failed mid-stream). */
  incomplete: z.boolean().optional(),
});

export type StoredMessageInput = z.infer<typeof storedMessageSchema>;

/**
 * One chat turn to persist: the caller's new messages and what the turn added. It is written to Cosmos
 * DB, or, when that fails, sent on the history-writes queue as this same JSON; `turnId` makes writing it
 * twice a no-op.
 */
export const turnRecordSchema = z.object({
  version: z.literal(1),
  correlationId: z.string().max(128),
  userId: z.string().min(1).max(128),
  conversationId: conversationIdSchema,
  turnId: z.uuid(),
  isNewConversation: z.boolean(),
  title: z.string().max(200),
  createdAt: z.iso.datetime(),
  /** When the turn started: its place in the conversation, however late it is written (older records: createdAt). */
  startedAt: z.iso.datetime().optional(),
  messages: z.array(storedMessageSchema).min(1).max(1_000),
});

export type TurnRecord = z.infer<typeof turnRecordSchema>;
