import type { CodeOptions } from 'ajv';

import { loadRe2 } from '../lazy-modules';

/** Longest regular expression a batch schema may hold, and longest string `format: regex` accepts. */
export const MAX_PATTERN_CHARS = 1_000;

type Re2 = ReturnType<ReturnType<typeof loadRe2>['RE2JS']['compile']>;

/** Compiles a pattern for RE2, or says why it cannot run there (a backreference, a lookaround, bad syntax). */
export function compileLinear(pattern: string): { ok: true; regexp: Re2 } | { ok: false; reason: string } {
  if (pattern.length > MAX_PATTERN_CHARS)
    return { ok: false, reason: `it is longer than ${MAX_PATTERN_CHARS} characters` };
  try {
    return { ok: true, regexp: loadRe2().RE2JS.compile(pattern) };
  } catch (error) {
    const text = error instanceof Error ? error.message : 'it does not compile';
    return { ok: false, reason: text.replace(/^error parsing regexp: /, '') };
  }
}

/**
 * ajv's `code.regExp`: every `pattern` and `patternProperties` of a batch schema runs on RE2 (the pure
 * JavaScript port `re2js`), whose matching time is linear in the input, so no schema and no model output
 * can make validation backtrack for seconds. Patterns are checked beforehand (`checkSchemaLimits`), so a
 * failure here is one RE2 cannot express after all.
 */
export const linearRegExp: NonNullable<CodeOptions['regExp']> = Object.assign(
  (pattern: string) => {
    const compiled = compileLinear(pattern);
    if (!compiled.ok)
      throw new Error(`the pattern ${JSON.stringify(pattern)} cannot run on RE2: ${compiled.reason}`);
    const { regexp } = compiled;
    // ajv caches compiled patterns by `toString()`: it must tell patterns apart.
    return { test: (text: string) => regexp.test(text), toString: () => `re2:${pattern}` };
  },
  { code: 'linearRegExp' },
);

/** `format: regex`: the string is a regular expression RE2 accepts, of a bounded length. */
export const isLinearRegex = (text: string): boolean => compileLinear(text).ok;
