import fc from 'fast-check';

/** The limits the abuse host runs with: small, so that oversized bodies are cheap to send. */
export const ABUSE_LIMITS = {
  HTTP_MAX_BODY_BYTES: 65_536,
  BATCH_MAX_BODY_BYTES: 131_072,
  BATCH_MAX_ITEMS: 20,
  CHAT_MAX_MESSAGE_CHARS: 8_000,
  CONNECTORS_MAX_BODY_BYTES: 65_536,
  // Low enough that the owner runs into it: 429 answers are fuzzed too.
  QUOTA_REQUESTS_PER_MINUTE: 20,
} as const;

export interface HostileRequest {
  /** Which abuse this is, so that a counterexample reads at a glance. */
  readonly label: string;
  readonly method: string;
  /** Path and query, e.g. `/api/chat?x=1`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Sent as a stream of this many chunks (chunked, without Content-Length). */
  readonly chunks?: number;
  /** The statuses the app may answer, when certain; otherwise any status below 500. */
  readonly expected?: readonly number[];
  /** A path of the web app the local host serves at `/`, not of the API: no envelope, no X-Request-ID. */
  readonly webApp?: boolean;
}

/** State the generators may refer to: a user who owns a conversation and a batch job. */
export interface AbuseFixtures {
  readonly owner: Readonly<Record<string, string>>;
  readonly conversationId: string;
  readonly jobId: string;
}

// Generated text never holds what the leak checks look for, nor the model simulator's magic phrases.
const UNSAFE = /node:internal|\/work\/|\n\s+at |\[sim:/i;
export const safe = (text: string) => !UNSAFE.test(text);

// prettier-ignore
const EDGE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\uFEFF', '\u202Egnp.exe', '\uD800', '\uDC00x', '\uDBFF\uDFFF', '🧑‍🤝‍🧑',
  'e\u0301\u0301\u0301', 'Z̷̢͓a̸l̷g̵o̶', '\u2028\u2029', '\r\n\t\v\f', '%00%ZZ%', '../../etc/passwd',
  '__proto__', 'constructor', 'prototype', 'toString', '${jndi:ldap://127.0.0.1:1/a}', '{{7*7}}',
  "' OR 1=1 --", '<script>alert(1)</script>', 'NaN', 'null', '\\', '"',
];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', ''];

/** Unicode edge cases and short random text: fits in a header, a path or a query. */
export const shortHostileString: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(...EDGE_STRINGS),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  )
  .filter(safe);

/** Short hostile text, or a huge string (up to 48 KB in UTF-8). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: shortHostileString },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('A', 'é', '😀', '\u0000', ' '), fc.integer({ min: 1_000, max: 12_000 }))
      .map(([unit, count]) => unit.repeat(count)),
  },
);

export const hostileKey = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), shortHostileString);

const leaf = fc.oneof(
  hostileString,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(1e308, -0, 2 ** 53 + 1, 5e-324),
);

/** Any JSON value, with hostile strings and `__proto__`-style keys at every level. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
})).value;

/** What a server makes of a header value: HTTP trims spaces and tabs only (String.trim does more). */
export function httpTrim(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Header values an HTTP client can send: tab, visible ASCII and Latin-1 (no CR, LF or NUL). */
export const headerValue = fc
  .string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }), fc.constant(9))
      .map((code) => String.fromCharCode(code)),
    maxLength: 300,
  })
  .filter(safe);
