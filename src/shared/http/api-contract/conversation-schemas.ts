import * as z from 'zod';

import type { ConversationDetail, ConversationPage } from '../../history/conversation-service';
import type { ConversationSummary, StoredMessage } from '../../history/history-store';
import { storedMessageSchema } from '../../history/turn-record';
import { conversationIdRef } from './chat-schemas';
import type { Assert, Covers, SameKeys } from './type-checks';

export const continuationTokenSchema = z
  .string()
  .meta({ description: 'Present when there is more: pass it back as ?continuationToken= for the next page' });

export const conversationSummarySchema = z
  .strictObject({
    id: conversationIdRef,
    title: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    messageCount: z.number().int().nonnegative(),
  })
  .meta({ id: 'ConversationSummary' });

/** A stored message: the schema the history is written with, plus its place and time. */
export const storedMessageResponseSchema = z
  .strictObject({
    ...storedMessageSchema.shape,
    seq: z.number().int().nonnegative().meta({ description: 'Position in the conversation, from 0' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'StoredMessage' });

/** GET /api/conversations: the caller's conversations, newest first. */
export const conversationPageSchema = z
  .strictObject({
    conversations: z.array(conversationSummarySchema),
    continuationToken: continuationTokenSchema.optional(),
  })
  .meta({ id: 'ConversationPage' });

/** GET /api/conversations/{id}: one conversation and a page of its messages, oldest first. */
export const conversationDetailSchema = z
  .strictObject({
    id: conversationIdRef,
    title: z.string(),
    messages: z.array(storedMessageResponseSchema),
    continuationToken: continuationTokenSchema.optional(),
  })
  .meta({ id: 'ConversationDetail' });

type _Checks = [
  Assert<Covers<z.output<typeof conversationPageSchema>, ConversationPage>>,
  Assert<SameKeys<z.output<typeof conversationPageSchema>, ConversationPage>>,
  Assert<SameKeys<z.output<typeof conversationSummarySchema>, ConversationSummary>>,
  Assert<Covers<z.output<typeof conversationDetailSchema>, ConversationDetail>>,
  Assert<SameKeys<z.output<typeof conversationDetailSchema>, ConversationDetail>>,
  Assert<SameKeys<z.output<typeof storedMessageResponseSchema>, StoredMessage>>,
];
