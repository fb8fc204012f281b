import * as z from 'zod';

/** The id of a stored conversation: chosen by the app (a UUID) or sent back by the caller to continue one. */
export const conversationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"');
