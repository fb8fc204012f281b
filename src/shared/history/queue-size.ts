import type { TurnRecord } from './turn-record';

// Storage queue messages are at most 64 KiB; base64 adds a third. Keep the JSON well under 48 KiB.
const MAX_JSON_BYTES = 45_000;

/**
 * A turn small enough for one queue message: the longest contents are shortened (and marked) until it
 * fits. Only huge tool results or answers are ever cut; the turn itself is never dropped.
 */
export function fitForQueue(turn: TurnRecord): TurnRecord {
  let fitted = turn;
  while (Buffer.byteLength(JSON.stringify(fitted)) > MAX_JSON_BYTES) {
    const longest = fitted.messages.reduce(
      (best, message, index) =>
        message.content.length > (fitted.messages[best]?.content.length ?? 0) ? index : best,
      0,
    );
    fitted = {
      ...fitted,
      messages: fitted.messages.map((message, index) =>
        index === longest
          ? {
              ...message,
              content: `${message.content.slice(0, Math.floor(message.content.length / 2))} [truncated]`,
            }
          : message,
      ),
    };
  }
  return fitted;
}
