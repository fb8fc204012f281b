import * as z from 'zod';

import type { CompletionsAnswer } from '../../completions/completions-service';
import { warningsSchema } from './chat-schemas';
import type { Assert, Covers, SameKeys } from './type-checks';

const count = z.number().int().nonnegative();

/** POST /api/completions: the answer with the character and token counts of prompt and answer. */
export const completionsAnswerSchema = z
  .strictObject({
    response: z.string(),
    usage: z.strictObject({
      prompt_chars: count,
      response_chars: count,
      prompt_tokens: count,
      completion_tokens: count,
      total_tokens: count,
      reasoning_tokens: count,
      cached_tokens: count,
    }),
    finishReason: z.enum(['stop', 'length']).meta({
      description: 'length: cut short by the token budget (an empty answer is explained in response)',
    }),
    warnings: warningsSchema.optional(),
  })
  .meta({ id: 'CompletionsAnswer' });

type _Checks = [
  Assert<Covers<z.output<typeof completionsAnswerSchema>, CompletionsAnswer>>,
  Assert<SameKeys<z.output<typeof completionsAnswerSchema>, CompletionsAnswer>>,
  Assert<SameKeys<z.output<typeof completionsAnswerSchema>['usage'], CompletionsAnswer['usage']>>,
];
