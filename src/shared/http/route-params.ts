import type { HttpRequest } from '@azure/functions';

import { NotFoundError } from '../errors';
import { conversationIdSchema } from '../history/conversation-id';

/** A path id that is not well-formed cannot name anything the caller owns: 404, like an unknown one. */
export function idParam(request: HttpRequest, name: string): string {
  const parsed = conversationIdSchema.safeParse(request.params[name]);
  if (!parsed.success) throw new NotFoundError(`No such ${name === 'id' ? 'resource' : name}`);
  return parsed.data;
}
