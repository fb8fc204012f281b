import type { StoredMessageInput, TurnRecord } from './turn-record';

// Storage queue messages are at most 64 KiB; base64 adds a third. Keep the JSON well under 48 KiB.
const MAX_JSON_BYTES = 45_000;
const MAX_PASSES = 40;
const MARK = ' [truncated]';

const sizeOf = (turn: TurnRecord) => Buffer.byteLength(JSON.stringify(turn));

/** The text a pass may shorten: a message's content, or its tool-call arguments. */
function weight(message: StoredMessageInput): number {
  return (
    message.content.length + (message.toolCalls ?? []).reduce((sum, call) => sum + call.arguments.length, 0)
  );
}

function halve(message: StoredMessageInput): StoredMessageInput {
  const cut = (text: string) =>
    text.length <= 2 * MARK.length ? text : `${text.slice(0, Math.floor(text.length / 2))}${MARK}`;
  return {
    ...message,
    content: cut(message.content),
    ...(message.toolCalls === undefined
      ? {}
      : { toolCalls: message.toolCalls.map((call) => ({ ...call, arguments: cut(call.arguments) })) }),
  };
}

/**
 * A turn small enough for one queue message: the heaviest contents (and tool-call arguments) are
 * shortened and marked, a bounded number of times. If that is not enough, only the caller's messages and
 * a note are kept, so the turn is never dropped and this never loops.
 */
export function fitForQueue(turn: TurnRecord): TurnRecord {
  let fitted = turn;
  for (let pass = 0; pass < MAX_PASSES && sizeOf(fitted) > MAX_JSON_BYTES; pass++) {
    const heaviest = fitted.messages.reduce(
      (best, message, index) => (weight(message) > weight(fitted.messages[best] ?? message) ? index : best),
      0,
    );
    const before = sizeOf(fitted);
    fitted = {
      ...fitted,
      messages: fitted.messages.map((message, index) => (index === heaviest ? halve(message) : message)),
    };
    if (sizeOf(fitted) >= before) break; // nothing left to shorten
  }
  if (sizeOf(fitted) <= MAX_JSON_BYTES) return fitted;
  const users = fitted.messages
    .filter((message) => message.role === 'user')
    .map((message) => halve(halve(message)));
  return {
    ...fitted,
    messages: [
      ...users,
      { role: 'assistant', content: '[this turn was too large to keep in full]', incomplete: true },
    ],
  };
}
