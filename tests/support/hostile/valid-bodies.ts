import fc from 'fast-check';

import { ABUSE_LIMITS, hostileKey, hostileValue, safe } from './values';

// --- valid bodies ----------------------------------------------------------------------------------

const text = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength })
    .filter((value) => value.trim() !== '' && safe(value));
const optional = { requiredKeys: [] as never[] };

export const chatBody: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.oneof(
      fc
        .oneof(text(200), fc.constant('y'.repeat(ABUSE_LIMITS.CHAT_MAX_MESSAGE_CHARS)))
        .map((message) => ({ message })),
      fc
        .tuple(
          fc.array(
            fc.record({
              role: fc.constantFrom('system', 'user', 'assistant'),
              content: fc.string({ maxLength: 50 }).filter(safe),
            }),
            {
              maxLength: 4,
            },
          ),
          text(100),
        )
        .map(([earlier, last]) => ({ messages: [...earlier, { role: 'user', content: last }] })),
    ),
    fc.record(
      {
        temperature: fc.double({ min: 0, max: 2, noNaN: true }),
        maxTokens: fc.integer({ min: 1, max: 32_768 }),
        model: fc.constant('chat'),
        context: fc.dictionary(hostileKey, hostileValue, { maxKeys: 3 }),
        sessionState: hostileValue,
        stream: fc.boolean(),
      },
      optional,
    ),
  )
  .map(([content, options]) => ({ ...content, ...withoutConversation(options) }));

/** A sessionState naming a conversation would (rightly) be a 404; valid bodies start new ones. */
function withoutConversation(options: Record<string, unknown>): Record<string, unknown> {
  const { sessionState, ...rest } = options;
  const names = typeof sessionState === 'object' && sessionState !== null && 'conversationId' in sessionState;
  return names || sessionState === undefined ? rest : { ...rest, sessionState };
}

export const completionsBody = fc.record(
  {
    prompt: text(300),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    maxTokens: fc.integer({ min: 1, max: 32_768 }),
  },
  { requiredKeys: ['prompt'] },
);

export const batchBody = fc.record(
  {
    items: fc.array(
      fc.oneof(
        text(100),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer()), {
          maxKeys: 3,
        }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    schema: fc.constant({ type: 'object', properties: { label: { type: 'string' } }, required: ['label'] }),
    instructions: text(200),
    name: text(100),
  },
  { requiredKeys: ['items', 'schema'] },
);
