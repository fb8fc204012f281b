import { createHash } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A job id derived from the owner and their Idempotency-Key: the same submission always finds the same job. */
export const jobIdFromIdempotencyKey = (userId: string, key: string): string =>
  `j${sha256(`${userId}\n${key}`).slice(0, 31)}`;

/** The conversation holding a batch item's exchange; fixed per item so a retry writes into the same one. */
export const itemConversationId = (jobId: string, index: number): string =>
  `b-${sha256(jobId).slice(0, 24)}-${index}`;

/** A UUID (version 5 layout) derived from a name: the same item always gets the same turn id. */
export function nameBasedUuid(name: string): string {
  const hex = sha256(name);
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
