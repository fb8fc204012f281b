import { type ChatRequest, textOf } from './chat-request';

/** A token is a word with the whitespace before it, so joining the tokens gives back the exact text. */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+(?:\s+$)?/g) ?? [];
}

/** Pieces of about one token each, and always at least two, as Azure streams tool arguments. */
export function splitArguments(json: string): string[] {
  const size = Math.max(1, Math.min(4, Math.ceil(json.length / 2)));
  const pieces: string[] = [];
  for (let start = 0; start < json.length; start += size) pieces.push(json.slice(start, start + size));
  return pieces;
}

export function countArgumentTokens(json: string): number {
  return Math.ceil(json.length / 4);
}

/** Four characters a token, as OpenAI's rule of thumb; never 0 so usage always looks real. */
export function countPromptTokens(request: ChatRequest): number {
  const characters = request.messages.reduce((total, message) => total + textOf(message.content).length, 0);
  return Math.max(1, Math.ceil(characters / 4));
}

/** What the token quota is charged up front, as Azure does: the prompt plus the most the answer may take. */
export function estimateRequestTokens(request: ChatRequest): number {
  return countPromptTokens(request) + (request.max_completion_tokens ?? request.max_tokens ?? 100);
}
