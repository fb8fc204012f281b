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
}

const MAGIC_PHRASE = /\[sim:[^\]]*\]/gi;

export function readMagicPhrases(text: string): MagicPhrases {
  const has = (phrase: string): boolean => text.toLowerCase().includes(`[sim:${phrase}]`);
  const retryAfter = /\[sim:retry-after:(\d+)\]/i.exec(text)?.[1];
  return {
    contentFilter: has('content-filter'),
    malformedArguments: has('malformed-args'),
    unknownTool: has('unknown-tool'),
    alwaysTools: has('always-tools'),
    midStreamError: has('mid-stream-error'),
    invalidArguments: has('invalid-args'),
    retryAfterSeconds: retryAfter === undefined ? undefined : Number(retryAfter),
  };
}

/** The text without its magic phrases, so they never end up in tool arguments. */
export function withoutMagicPhrases(text: string): string {
  return text.replace(MAGIC_PHRASE, ' ');
}
