import * as z from 'zod';

import {
  conversationIdRef,
  finishReasonSchema,
  sessionStateSchema,
  usageSchema,
  warningsSchema,
} from './chat-schemas';
import { errorDetailSchema } from './error-schemas';

// The stream encoders in shared/http/stream-protocols.ts build their frames inline, so these schemas are
// the only statement of the wire format; the tests check every frame of real streams against them.

const streamErrorSchema = z
  .strictObject({ code: z.string(), message: z.string(), details: z.array(errorDetailSchema).optional() })
  .meta({ id: 'StreamError', description: 'A failure after the stream started (an ErrorBody before it)' });

const tool = z.string().meta({ description: 'The tool name, e.g. predict_customer' });

/** One Server-Sent Event of POST /api/chat: the JSON after `data: `, discriminated by `type`. */
export const chatStreamEventSchema = z
  .discriminatedUnion('type', [
    z
      .strictObject({ type: z.literal('metadata'), conversationId: conversationIdRef })
      .meta({ id: 'ChatStreamMetadata', description: 'Always first' }),
    z
      .strictObject({ type: z.literal('tool_call'), tool, arguments: z.unknown() })
      .meta({ id: 'ChatStreamToolCall' }),
    z
      .strictObject({ type: z.literal('tool_result'), tool, result: z.unknown() })
      .meta({ id: 'ChatStreamToolResult' }),
    z
      .strictObject({ type: z.literal('chunk'), content: z.string() })
      .meta({ id: 'ChatStreamChunk', description: 'The next piece of the answer text' }),
    z
      .strictObject({
        type: z.literal('done'),
        full_response: z.string(),
        intent: z.string(),
        conversationId: conversationIdRef,
        usage: usageSchema,
        finishReason: finishReasonSchema,
        warnings: warningsSchema.optional(),
        timestamp: z.iso.datetime(),
      })
      .meta({ id: 'ChatStreamDone', description: 'Last, when the turn succeeded' }),
    z
      .strictObject({ type: z.literal('error'), error: streamErrorSchema })
      .meta({ id: 'ChatStreamError', description: 'Last, when the turn failed after the stream started' }),
  ])
  .meta({
    id: 'ChatStreamEvent',
    description: 'The JSON of one `data:` line of the text/event-stream answer of POST /api/chat',
  });

const assistantDelta = z.strictObject({ role: z.literal('assistant'), content: z.string() });

/** One JSON line of POST /api/chat/stream (Microsoft AI Chat Protocol): a delta, or an error. */
export const chatProtocolLineSchema = z
  .union([
    z
      .strictObject({
        delta: assistantDelta,
        context: z
          .discriminatedUnion('event', [
            z.strictObject({ event: z.literal('tool_call'), tool, arguments: z.unknown() }),
            z.strictObject({ event: z.literal('tool_result'), tool, result: z.unknown() }),
            z.strictObject({
              event: z.literal('done'),
              intent: z.string(),
              usage: usageSchema,
              finishReason: finishReasonSchema,
              warnings: warningsSchema.optional(),
            }),
          ])
          .optional()
          .meta({ description: 'Tool activity and the end of the turn; absent on text deltas' }),
        sessionState: sessionStateSchema,
      })
      .meta({ id: 'ChatProtocolDelta' }),
    z
      .strictObject({ error: streamErrorSchema })
      .meta({ id: 'ChatProtocolError', description: 'Last, when the turn failed after the stream started' }),
  ])
  .meta({
    id: 'ChatProtocolLine',
    description: 'One line of the application/jsonl answer of POST /api/chat/stream',
  });
