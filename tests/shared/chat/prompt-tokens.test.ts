import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

import {
  countMessageTokens,
  countPromptTokens,
  countTextTokens,
} from '../../../src/shared/chat/prompt-tokens';

describe('prompt tokens (o200k_base, gpt-tokenizer)', () => {
  beforeAll(() => countTextTokens('loads the tokenizer once'));

  it('when the text is natural, then the piecewise count is the tokenizer count, give or take a few', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(200);
    const exact = countTokens(text);
    expect(countTextTokens(text)).toBeGreaterThanOrEqual(exact);
    expect(countTextTokens(text)).toBeLessThanOrEqual(exact * 1.02);
  });

  it.each([
    [
      'CJK text',
      Array.from({ length: 16_000 }, (_, index) =>
        String.fromCodePoint(0x4e00 + ((index * 7919) % 2000)),
      ).join(''),
    ],
    [
      'one long run of letters',
      Array.from({ length: 16_000 }, (_, index) => 'abcdefghijklmnopqrstuvwxyz'[(index * 31) % 26]).join(''),
    ],
  ])(
    'when a message is 16,000 characters of %s, then counting it ends within seconds, even on a busy machine (speed itself is for bench/)',
    (_name, text) => {
      const started = performance.now();
      const tokens = countMessageTokens({ role: 'user', content: text });
      expect(tokens).toBeGreaterThan(1_000);
      expect(performance.now() - started).toBeLessThan(5_000);
    },
  );

  it('when a prompt is far over the limit, then counting stops soon after passing it', async () => {
    const message = { role: 'user' as const, content: 'word '.repeat(1_000) };
    const messages = Array.from({ length: 200 }, () => message);
    const total = await countPromptTokens(messages, [], 5_000);
    expect(total).toBeGreaterThan(5_000);
    expect(total).toBeLessThan(5_000 + 2 * countMessageTokens(message));
  });
});
