import { createHash } from 'node:crypto';

import { type ChatRequest, textOf } from './chat-request';

const MINIMUM_TOKENS = 1024;
const INCREMENT = 128;
const REMEMBERED = 200;

/**
 * Azure's prompt caching, simplified: a request whose messages before the last user message repeat an
 * earlier request's, and come to at least 1024 tokens, has that prefix served from the cache in steps of
 * 128 tokens (usage.prompt_tokens_details.cached_tokens).
 */
export class PromptCache {
  readonly #seen = new Set<string>();

  cachedTokens(request: ChatRequest): number {
    const lastUser = request.messages.findLastIndex((message) => message.role === 'user');
    const prefix = request.messages.slice(0, Math.max(0, lastUser));
    const characters = prefix.reduce((total, message) => total + textOf(message.content).length, 0);
    const tokens = Math.ceil(characters / 4);
    if (tokens < MINIMUM_TOKENS) return 0;
    const key = createHash('sha256').update(JSON.stringify(prefix)).digest('hex');
    const hit = this.#seen.has(key);
    this.#seen.add(key);
    if (this.#seen.size > REMEMBERED) this.#seen.delete(this.#seen.values().next().value ?? '');
    return hit ? Math.floor(tokens / INCREMENT) * INCREMENT : 0;
  }
}
