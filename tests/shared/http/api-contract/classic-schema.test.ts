import fc from 'fast-check';
import * as z from 'zod';

import { settings } from '../../../../src/shared/config/settings';
import { toClassicSchema } from '../../../../src/shared/http/api-contract/classic-schema';

/** What a parse gave: the value, or the issues' messages. */
const outcome = (result: { success: boolean; data?: unknown; error?: { issues: { message: string }[] } }) =>
  result.success ? { data: result.data } : { issues: result.error?.issues.map((issue) => issue.message) };

const raw = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '1',
    '-1',
    '1.5',
    '60',
    '1e9',
    'true',
    'OFF',
    'maybe',
    'v1',
    '2025-04-01-preview',
  ),
  fc.constantFrom(
    'https://a.example.com//',
    'ftp://a',
    'not a url',
    'none',
    'JWT',
    'reasoning,legacy=classic',
  ),
  fc.string(),
);

describe('toClassicSchema', () => {
  it('when a setting schema (zod/mini) is rebuilt with classic zod, then both parse every value alike', () => {
    for (const [name, { schema }] of Object.entries(settings)) {
      const classic = toClassicSchema(schema);
      expect(classic).toBeInstanceOf(z.ZodType);
      fc.assert(
        fc.property(raw, (value) => {
          expect([name, outcome(classic.safeParse(value))]).toEqual([name, outcome(schema.safeParse(value))]);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('when it meets a schema zod has no classic class for, then it says which', () => {
    const odd = z.string();
    Object.defineProperty(odd._zod, 'constr', { value: { name: 'NotZod' } });
    expect(() => toClassicSchema(odd)).toThrow('no classic zod schema for NotZod');
  });
});
