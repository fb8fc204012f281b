/** Test hooks recognised in the last user message; the README lists what each one does. */
export interface MagicPhrases {
  readonly contentFilter: boolean;
  readonly malformedArguments: boolean;
  readonly unknownTool: boolean;
  readonly alwaysTools: boolean;
  readonly midStreamError: boolean;
  readonly invalidArguments: boolean;
  /** From `[sim:retry-after:<seconds>]`. */
  readonly retryAfterSeconds: number | undefined;
  /** `[sim:output-filter]`: the answer is cut by the output content filter (violence). */
  readonly outputFilter: boolean;
  /** From `[sim:reasoning-tokens:<n>]`: a reasoning deployment spends this many hidden tokens. */
  readonly reasoningTokens: number | undefined;
}

const MAGIC_PHRASE = /\[sim:[^\]]*\]/gi;

export function readMagicPhrases(text: string): MagicPhrases {
  const has = (phrase: string): boolean => text.toLowerCase().includes(`[sim:${phrase}]`);
  const retryAfter = /\[sim:retry-after:(\d+)\]/i.exec(text)?.[1];
  const reasoning = /\[sim:reasoning-tokens:(\d{1,7})\]/i.exec(text)?.[1];
  return {
    contentFilter: has('content-filter'),
    malformedArguments: has('malformed-args'),
    unknownTool: has('unknown-tool'),
    alwaysTools: has('always-tools'),
    midStreamError: has('mid-stream-error'),
    invalidArguments: has('invalid-args'),
    retryAfterSeconds: retryAfter === undefined ? undefined : Number(retryAfter),
    outputFilter: has('output-filter'),
    reasoningTokens: reasoning === undefined ? undefined : Number(reasoning),
  };
}

/** The text without its magic phrases, so they never end up in tool arguments. */
export function withoutMagicPhrases(text: string): string {
  return text.replace(MAGIC_PHRASE, ' ');
}
