import { loadTokenizer } from '../lazy-modules';
import type { ChatMessage, ToolDefinition } from '../model/chat-model';

// o200k_base's BPE is quadratic in the length of one pre-token (a run of letters without spaces, CJK
// text): 16,000 such characters take seconds in one piece. Counted in pieces of at most 256 characters,
// cut at whitespace where there is some (so natural text counts the same), and of 64 in a run without
// any, every input costs linear time: about 60 ms for 16,000 CJK characters.
const PIECE_CHARS = 256;
const RUN_PIECE_CHARS = 64;
// Tokens of the chat format around each message, and of the reply's priming (OpenAI's cookbook).
const PER_MESSAGE = 3;
const PER_PROMPT = 3;

let tokenizer: ReturnType<typeof loadTokenizer> | undefined;
// Loaded on first use (about 130 ms and 100 MB of ranks): a cold start that serves no chat never pays it.
const getTokenizer = () => (tokenizer ??= loadTokenizer());

/**
 * Tokens of a text in the deployments' encoding (o200k_base, with `gpt-tokenizer`), counted piecewise so
 * that no input costs more than linear time; may count a few more than the model does, never far fewer.
 *
 * @example
 * countTextTokens('Hello, world!'); // 4
 */
export function countTextTokens(text: string): number {
  const { countTokens } = getTokenizer();
  let total = 0;
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + PIECE_CHARS);
    if (end < text.length) {
      const space = text.slice(start + PIECE_CHARS / 2, end).search(/\s(?=\S*$)/);
      end = space >= 0 ? start + PIECE_CHARS / 2 + space : start + RUN_PIECE_CHARS;
    }
    total += countTokens(text.slice(start, end));
    start = end;
  }
  return total;
}

/** Tokens of one message as the model receives it: its content, its tool calls, the format around it. */
export function countMessageTokens(message: ChatMessage): number {
  const toolCalls = message.role === 'assistant' ? (message.toolCalls ?? []) : [];
  const calls = toolCalls.reduce(
    (sum, call) => sum + countTextTokens(call.name + call.arguments) + PER_MESSAGE,
    0,
  );
  return PER_MESSAGE + countTextTokens(message.content ?? '') + calls;
}

/** Tokens of the tool definitions the model is offered (their JSON: close to what it is shown). */
export function countToolTokens(tools: readonly ToolDefinition[]): number {
  return tools.length === 0 ? 0 : countTextTokens(JSON.stringify(tools));
}

/**
 * Tokens of a whole prompt, counting stops as soon as the total passes `limit` (the answer is then just
 * "over"), yielding to the event loop between messages, so a 1 MB prompt neither costs its full count
 * nor holds the loop.
 */
export async function countPromptTokens(
  messages: readonly ChatMessage[],
  tools: readonly ToolDefinition[],
  limit = Number.POSITIVE_INFINITY,
): Promise<number> {
  let total = PER_PROMPT + countToolTokens(tools);
  let sinceYield = 0;
  for (const message of messages) {
    if (total > limit) return total;
    const tokens = countMessageTokens(message);
    total += tokens;
    sinceYield += tokens;
    if (sinceYield > 2_000) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return total;
}
