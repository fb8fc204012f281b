/**
 * fast-check arbitraries of hostile HTTP requests, one per HTTP function of the app, for
 * tests/functions/abuse.test.ts. Each mixes valid requests with every kind of abuse and, where the
 * answer is certain, names the statuses the app may give (the test always also demands a non-5xx).
 */
import fc from 'fast-check';

import { easyAuthHeaders } from './identity';

/** The limits the abuse host runs with: small, so that oversized bodies are cheap to send. */
export const ABUSE_LIMITS = {
  HTTP_MAX_BODY_BYTES: 65_536,
  BATCH_MAX_BODY_BYTES: 131_072,
  BATCH_MAX_ITEMS: 20,
  CHAT_MAX_MESSAGE_CHARS: 8_000,
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
}

/** State the generators may refer to: a user who owns a conversation and a batch job. */
export interface AbuseFixtures {
  readonly owner: Readonly<Record<string, string>>;
  readonly conversationId: string;
  readonly jobId: string;
}

// Generated text never holds what the leak checks look for, nor the model simulator's magic phrases.
const UNSAFE = /node:internal|\/work\/|\n\s+at |\[sim:/i;
const safe = (text: string) => !UNSAFE.test(text);

// prettier-ignore
const EDGE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\uFEFF', '\u202Egnp.exe', '\uD800', '\uDC00x', '\uDBFF\uDFFF', '🧑‍🤝‍🧑',
  'e\u0301\u0301\u0301', 'Z̷̢͓a̸l̷g̵o̶', '\u2028\u2029', '\r\n\t\v\f', '%00%ZZ%', '../../etc/passwd',
  '__proto__', 'constructor', 'prototype', 'toString', '${jndi:ldap://127.0.0.1:1/a}', '{{7*7}}',
  "' OR 1=1 --", '<script>alert(1)</script>', 'NaN', 'null', '\\', '"',
];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', ''];

/** Unicode edge cases and short random text: fits in a header, a path or a query. */
const shortHostileString: fc.Arbitrary<string> = fc
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

const hostileKey = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), shortHostileString);

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
const headerValue = fc
  .string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }), fc.constant(9))
      .map((code) => String.fromCharCode(code)),
    maxLength: 300,
  })
  .filter(safe);

// --- identity (AUTH_MODE=easyauth) -------------------------------------------------------------

interface Identity {
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly valid: boolean;
}

const USER_ID = /^[A-Za-z0-9._@:-]{1,128}$/;
const userId = fc.stringMatching(USER_ID);
const principalOf = (id: string) => easyAuthHeaders(id)['x-ms-client-principal'] ?? '';
const base64 = (text: string) => Buffer.from(text).toString('base64');

const identity = (fixtures: AbuseFixtures): fc.Arbitrary<Identity> =>
  fc.oneof(
    { weight: 5, arbitrary: userId.map((id) => valid('valid identity', easyAuthHeaders(id))) },
    { weight: 2, arbitrary: fc.constant(valid('the owner', fixtures.owner)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(userId, fc.dictionary(shortHostileString, shortHostileString, { maxKeys: 3 }))
        .map(([id, extra]) => {
          const claims = [
            { typ: 'oid', val: id },
            ...Object.entries(extra).map(([typ, val]) => ({ typ, val })),
          ];
          const principal = base64(JSON.stringify({ auth_typ: 'aad', claims }));
          return valid('valid identity with hostile claims', {
            'x-ms-client-principal-id': id,
            'x-ms-client-principal': principal,
          });
        }),
    },
    { weight: 3, arbitrary: forgedIdentity },
  );

const valid = (label: string, headers: Readonly<Record<string, string>>): Identity => ({
  label,
  headers,
  valid: true,
});
const forged = (label: string, headers: Readonly<Record<string, string>>): Identity => ({
  label,
  headers,
  valid: false,
});

const forgedIdentity: fc.Arbitrary<Identity> = fc.oneof(
  fc.constant(forged('no identity', {})),
  userId.map((id) => forged('principal id alone', { 'x-ms-client-principal-id': id })),
  userId.map((id) => forged('principal alone', { 'x-ms-client-principal': principalOf(id) })),
  fc
    .tuple(userId, userId)
    .filter(([claimed, real]) => claimed !== real)
    .map(([claimed, real]) =>
      forged("another user's principal", {
        'x-ms-client-principal-id': claimed,
        'x-ms-client-principal': principalOf(real),
      }),
    ),
  fc
    .tuple(userId, headerValue)
    .map(([id, junk]) =>
      forged('a malformed principal', { 'x-ms-client-principal-id': id, 'x-ms-client-principal': junk }),
    ),
  fc
    .tuple(userId, fc.constantFrom('null', '[]', '{}', '{"claims":"x"}', '{"claims":[{"typ":1}]}', '"'))
    .map(([id, json]) =>
      forged('a principal of the wrong shape', {
        'x-ms-client-principal-id': id,
        'x-ms-client-principal': base64(json),
      }),
    ),
  headerValue
    .filter((id) => !USER_ID.test(httpTrim(id)))
    .map((id) =>
      forged('an invalid principal id', {
        'x-ms-client-principal-id': id,
        'x-ms-client-principal': principalOf(id),
      }),
    ),
  fc.constant(
    forged('a principal id over 128 characters', {
      ...easyAuthHeaders('u'.repeat(129)),
    }),
  ),
  headerValue.map((junk) => forged('a bearer token (not easyauth)', { authorization: `Bearer ${junk}` })),
);

// --- headers, paths and queries -------------------------------------------------------------------

const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const requestIdHeader = fc.oneof(
  fc.constant({}),
  fc.stringMatching(SANE_REQUEST_ID).map((id) => ({ 'x-request-id': id })),
  headerValue.map((id) => ({ 'x-request-id': id })),
  fc.constant({ 'x-request-id': 'r'.repeat(129) }),
);
// prettier-ignore
const NOISE_HEADERS = [
  'x-forwarded-for', 'x-ms-client-principal-idp', 'x-ms-client-principal-name', 'cookie', 'origin',
  'x-http-method-override', 'accept-encoding', 'accept-language',
];
const noiseHeaders = fc.dictionary(fc.constantFrom(...NOISE_HEADERS), headerValue, { maxKeys: 2 });

const pathVariant = (path: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(path) },
    fc.constant(`${path}/`),
    fc.mixedCase(fc.constant(path)),
  );

const junkQuery = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?', '?%', '?a=%ZZ', '?&&=&', '?__proto__[x]=1', '?constructor.prototype.x=1', '?a=1&a=2'),
  fc.dictionary(hostileKey, shortHostileString, { maxKeys: 3 }).map((query) => `?${encodeQuery(query)}`),
);

function encodeQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
    .join('&');
}

/** encodeURIComponent, except that a lone surrogate becomes U+FFFD (as browsers send it) instead of throwing. */
function percentEncode(text: string): string {
  return [...Buffer.from(text)]
    .map((byte) =>
      /[\w.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

// prettier-ignore
const HOSTILE_IDS = [
  '%ZZ', '%', '%00', 'a%00b', '%2e%2e', 'a%2Fb', '..%2F..%2Fetc', '%C0%AF', '%FF', '%E2%80%AE', 'a;b', 'a,b', '*',
  '$', 'a.b', 'a:b', 'a'.repeat(1_000),
];
const wellFormedId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const hostileId = fc.oneof(
  fc.constantFrom(...HOSTILE_IDS),
  fc.stringMatching(/^[A-Za-z0-9_-]{65,80}$/),
  shortHostileString.map(percentEncode),
);

interface Paging {
  readonly query: string;
  readonly valid: boolean;
}
// prettier-ignore
const INVALID_PAGE_SIZES = [
  '0', '101', '-1', '1.5', 'abc', 'NaN', 'Infinity', '1e3', '9'.repeat(40), '', '\u0000',
];
const validPageSize = fc.integer({ min: 1, max: 100 }).map(String);
const invalidPageSize = fc.constantFrom(...INVALID_PAGE_SIZES);
// Tokens this API never issued (it issues base64url JSON); the longest accepted is 12,000 characters.
const foreignToken = fc.oneof(shortHostileString, fc.constant('x'.repeat(12_001)));

/** `?pageSize=&continuationToken=`: valid, or with a bad size or a token the API never issued. */
const paging: fc.Arbitrary<Paging> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .option(validPageSize, { nil: undefined })
      .map((size) => ({ query: size === undefined ? '' : `?pageSize=${size}`, valid: true })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.record({ pageSize: invalidPageSize }, { requiredKeys: ['pageSize'] }),
        fc.record(
          { pageSize: validPageSize, continuationToken: foreignToken },
          { requiredKeys: ['continuationToken'] },
        ),
      )
      .map((query) => ({ query: `?${encodeQuery(query)}`, valid: false })),
  },
);

// --- bodies ------------------------------------------------------------------------------------

interface Body {
  readonly label: string;
  readonly contentType?: string;
  readonly bytes: Uint8Array;
  readonly chunks?: number;
  readonly expected?: readonly number[];
}

// prettier-ignore
const JSON_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json',
  'application/json;foo=bar',
];
// prettier-ignore
const NOT_JSON_TYPES = [
  'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/xml', 'application/jsonp', 'application/json-patch', 'application/javascript', '*/*', 'json',
];

const utf8 = (text: string) => new TextEncoder().encode(text);
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** A body route: what a valid body looks like, its fields, its size limit and its success status. */
interface BodyRoute {
  readonly valid: fc.Arbitrary<Record<string, unknown>>;
  readonly fields: readonly string[];
  /** Fields that take any JSON value (a huge one is still valid). */
  readonly freeFields?: readonly string[];
  readonly maxBytes: number;
  readonly success: readonly number[];
}

function bodies(route: BodyRoute): fc.Arbitrary<Body> {
  const json = (label: string, text: string, expected?: readonly number[]): Body => ({
    label,
    contentType: 'application/json',
    bytes: utf8(text),
    ...(expected === undefined ? {} : { expected }),
  });
  const validText = route.valid.map((body) => JSON.stringify(body));
  const field = fc.constantFrom(...route.fields);
  return fc
    .oneof(
      {
        weight: 4,
        arbitrary: fc
          .record({
            text: validText,
            type: fc.constantFrom(...JSON_TYPES),
            bom: fc.boolean(),
            chunks: fc.nat(3),
          })
          .filter(({ text }) => Buffer.byteLength(text) + 3 <= route.maxBytes)
          .map(({ text, type, bom, chunks }) => ({
            label: 'a valid body',
            contentType: type,
            bytes: utf8(`${bom ? '\uFEFF' : ''}${text}`),
            ...(chunks > 0 ? { chunks: chunks + 1 } : {}),
            expected: route.success,
          })),
      },
      {
        weight: 3,
        arbitrary: fc
          .tuple(
            route.valid,
            fc.array(fc.tuple(fc.oneof(field, hostileKey), fc.option(hostileValue, { nil: undefined })), {
              maxLength: 3,
            }),
          )
          .map(([body, changes]) => {
            const changed: Record<string, unknown> = { ...body };
            for (const [key, value] of changes) {
              if (value === undefined) Reflect.deleteProperty(changed, key);
              else
                Object.defineProperty(changed, key, {
                  value,
                  enumerable: true,
                  writable: true,
                  configurable: true,
                });
            }
            return json('missing, extra and wrongly typed fields', JSON.stringify(changed));
          }),
      },
      {
        weight: 2,
        arbitrary: hostileValue.map((value) =>
          json(
            'a hostile JSON value',
            JSON.stringify(value),
            typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : [400],
          ),
        ),
      },
      {
        weight: 2,
        arbitrary: fc
          .record({
            depth: fc.integer({ min: 65, max: 30_000 }),
            arrays: fc.boolean(),
            at: fc.option(field, { nil: undefined }),
            body: validText,
          })
          .map(({ depth, arrays, at, body }) => {
            const nested = arrays
              ? `${'['.repeat(depth)}${']'.repeat(depth)}`
              : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
            const text = at === undefined ? nested : `${body.slice(0, -1)},${JSON.stringify(at)}:${nested}}`;
            return json('deep nesting', text, [400, 413]);
          }),
      },
      {
        weight: 2,
        arbitrary: fc
          .oneof(
            fc
              .tuple(validText, fc.double({ min: 0, max: 1, noNaN: true }))
              .map(([text, at]) => text.slice(0, Math.floor(text.length * at))),
            fc.string({ maxLength: 60 }),
            fc.constantFrom(
              "{'message':'hi'}",
              '{"a":1,}',
              '{"a":NaN}',
              '{"a":1} x',
              '/* c */ {}',
              '[',
              '{"a":"\\x41"}',
              'nul',
            ),
            fc.integer({ min: 65, max: 5_000 }).map((depth) => '{"a":'.repeat(depth)),
          )
          .filter((text) => !isJson(text))
          .map((text) => json('malformed or truncated JSON', text, [400])),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            validText,
            fc.constantFrom(
              [0xff],
              [0xc3, 0x28],
              [0xc0, 0xaf],
              [0xed, 0xa0, 0x80],
              [0xf8, 0x88, 0x80, 0x80, 0x80],
            ),
          )
          .map(([text, bad]) => {
            const at = text.indexOf('"') + 1;
            const bytes = Buffer.concat([utf8(text.slice(0, at)), Buffer.from(bad), utf8(text.slice(at))]);
            return { label: 'invalid UTF-8', contentType: 'application/json', bytes, expected: [400] };
          }),
      },
      {
        weight: 1,
        arbitrary: validText.map((text) => ({
          label: 'UTF-16',
          contentType: 'application/json; charset=utf-16',
          bytes: Buffer.from(`\uFEFF${text}`, 'utf16le'),
          expected: [400],
        })),
      },
      { weight: 1, arbitrary: fc.constant(json('an empty body', '', [400])) },
      {
        weight: 2,
        arbitrary: fc
          .record({
            body: route.valid,
            at: field.filter((name) => route.freeFields?.includes(name) !== true),
            huge: fc.oneof(
              fc.integer({ min: 8_001, max: 20_000 }).map((size) => 'x'.repeat(size)),
              fc.integer({ min: 201, max: 20_000 }).map((size) => new Array<number>(size).fill(0)),
              fc
                .integer({ min: 201, max: 1_000 })
                .map((size) => new Array<unknown>(size).fill({ role: 'user', content: 'hi' })),
            ),
          })
          .map(({ body, at, huge }) =>
            json('a huge string or array', JSON.stringify({ ...body, [at]: huge }), [400, 413]),
          ),
      },
      {
        weight: 2,
        arbitrary: fc
          .record({
            type: fc.option(fc.constantFrom(...NOT_JSON_TYPES), { nil: undefined }),
            text: validText,
          })
          .map(({ type, text }) => ({
            label: 'a wrong content type',
            ...(type === undefined ? {} : { contentType: type }),
            bytes: utf8(text),
            expected: [415],
          })),
      },
      {
        weight: 1,
        arbitrary: fc
          .record({ at: field, extra: fc.integer({ min: 1, max: 60_000 }), chunks: fc.nat(4) })
          .map(({ at, extra, chunks }) => ({
            label: 'an oversized body',
            contentType: 'application/json',
            bytes: utf8(`{${JSON.stringify(at)}:"${'x'.repeat(route.maxBytes + extra)}"}`),
            ...(chunks > 0 ? { chunks: chunks + 1 } : {}),
            expected: [413],
          })),
      },
    )
    .map((body) =>
      // Over the limit, 413 comes first, whatever the body holds (only the content type is checked earlier).
      body.bytes.byteLength > route.maxBytes && body.expected?.[0] !== 415
        ? { ...body, expected: [413] }
        : body,
    );
}

// --- valid bodies ----------------------------------------------------------------------------------

const text = (maxLength: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength })
    .filter((value) => value.trim() !== '' && safe(value));
const optional = { requiredKeys: [] as never[] };

const chatBody: fc.Arbitrary<Record<string, unknown>> = fc
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

const completionsBody = fc.record(
  {
    prompt: text(300),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    maxTokens: fc.integer({ min: 1, max: 32_768 }),
  },
  { requiredKeys: ['prompt'] },
);

const batchBody = fc.record(
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

// --- requests per function ------------------------------------------------------------------------

function request(parts: {
  label: string;
  method: string;
  path: string;
  identity?: Identity;
  headers: Record<string, string>;
  body?: Body;
  expected?: readonly number[];
  /** False on anonymous routes, and on paths that may reach another (anonymous) function. */
  identityDecides?: boolean;
}): HostileRequest {
  const { identity, body } = parts;
  const expected =
    identity?.valid === false && parts.identityDecides !== false ? [401] : (body?.expected ?? parts.expected);
  const summary = {
    label: [identity?.label, body?.label ?? parts.label].filter(Boolean).join(', '),
    method: parts.method,
    path: parts.path,
    headers: {
      ...parts.headers,
      ...identity?.headers,
      ...(body?.contentType === undefined ? {} : { 'content-type': body.contentType }),
    },
    ...(body === undefined ? {} : { body: body.bytes }),
    ...(body?.chunks === undefined ? {} : { chunks: body.chunks }),
    ...(expected === undefined ? {} : { expected }),
  };
  return Object.assign(summary, { [fc.toStringMethod]: () => describe(summary) });
}

/** A short form for fast-check's counterexample report (bodies can be 100 KB). */
function describe(request: HostileRequest): string {
  const cut = (value: string) =>
    value.length > 120 ? `${value.slice(0, 120)}... (${value.length} chars)` : value;
  const shown = (value: string) =>
    JSON.stringify(value).replace(
      /[^\x20-\x7e]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${cut(shown(value))}`);
  const body =
    request.body === undefined
      ? ''
      : `\n  body (${request.body.byteLength} bytes${request.chunks === undefined ? '' : `, ${request.chunks} chunks`}): ${cut(
          shown(Buffer.from(request.body).toString('utf8')),
        )}`;
  return `[${request.label}] ${request.method} ${cut(request.path)}\n  ${headers.join('\n  ')}${body}\n  expected: ${
    request.expected?.join('|') ?? 'any non-5xx'
  }`;
}

const common = fc.record({ requestId: requestIdHeader, noise: noiseHeaders });

function postRoute(
  path: string,
  route: BodyRoute,
  fixtures: AbuseFixtures,
  accept?: fc.Arbitrary<string | undefined>,
) {
  return fc
    .record({
      path: pathVariant(path),
      query: junkQuery,
      identity: identity(fixtures),
      body: bodies(route),
      common,
      accept: accept ?? fc.constant(undefined),
    })
    .map(({ path: variant, query, identity: who, body, common: { requestId, noise }, accept: type }) =>
      request({
        label: body.label,
        method: 'POST',
        path: `${variant}${query}`,
        identity: who,
        headers: { ...noise, ...requestId, ...(type === undefined ? {} : { accept: type }) },
        body,
      }),
    );
}

/** GET or DELETE of `<prefix>/{id}<suffix>`: the owner's id, another's, well-formed unknown ids and hostile ones. */
function idRoute(
  method: string,
  template: (id: string) => string,
  ownedId: string,
  fixtures: AbuseFixtures,
  ownerStatus: readonly number[] | undefined,
  withPaging: boolean,
) {
  return (
    fc
      .record({
        id: fc.oneof(
          fc.constant({ id: ownedId, kind: 'owned' as const }),
          wellFormedId.map((id) => ({ id, kind: 'unknown' as const })),
          hostileId.map((id) => ({ id, kind: 'hostile' as const })),
        ),
        identity: identity(fixtures),
        paging: withPaging ? paging : fc.constant({ query: '', valid: true }),
        common,
      })
      // A DELETE never names the owner's conversation as the owner: the last test checks that it survived.
      .filter(
        ({ id, identity: who }) =>
          ownerStatus !== undefined || id.kind !== 'owned' || who.headers !== fixtures.owner,
      )
      .map(({ id, identity: who, paging: page, common: { requestId, noise } }) => {
        const isOwner = who.headers === fixtures.owner;
        const expected =
          id.kind === 'hostile'
            ? undefined
            : !page.valid
              ? [400, 404]
              : id.kind === 'owned' && isOwner
                ? ownerStatus
                : [404];
        return request({
          label: `${id.kind} id${page.valid ? '' : ', invalid paging'}`,
          method,
          path: `${template(id.id)}${page.query}`,
          identity: who,
          identityDecides: id.kind !== 'hostile',
          headers: { ...noise, ...requestId },
          ...(expected === undefined ? {} : { expected }),
        });
      })
  );
}

function getRoute(path: string, query: fc.Arbitrary<Paging>, fixtures: AbuseFixtures, anonymous = false) {
  return fc
    .record({ path: pathVariant(path), query, identity: identity(fixtures), common })
    .map(({ path: variant, query: page, identity: who, common: { requestId, noise } }) =>
      request({
        label: page.valid ? 'a valid query' : 'an invalid query',
        method: 'GET',
        path: `${variant}${page.query}`,
        identity: who,
        identityDecides: !anonymous,
        headers: { ...noise, ...requestId },
        expected: page.valid ? [200] : [400],
      }),
    );
}

const KNOWN_ROUTES: readonly { path: string; methods: readonly string[] }[] = [
  { path: '/api/health', methods: ['GET'] },
  { path: '/api/config/info', methods: ['GET'] },
  { path: '/api/openapi.json', methods: ['GET'] },
  { path: '/api/chat', methods: ['POST'] },
  { path: '/api/chat/stream', methods: ['POST'] },
  { path: '/api/completions', methods: ['POST'] },
  { path: '/api/conversations', methods: ['GET'] },
  { path: '/api/conversations/abc', methods: ['GET', 'DELETE'] },
  { path: '/api/batch-jobs', methods: ['POST'] },
  { path: '/api/batch-jobs/abcdefgh', methods: ['GET'] },
  { path: '/api/batch-jobs/abcdefgh/results', methods: ['GET'] },
];
// Methods Node's HTTP parser knows (it answers an unknown one with its own bare 400).
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND'];
const KNOWN_FIRST_SEGMENTS = new Set([
  'health',
  'config',
  'chat',
  'completions',
  'conversations',
  'batch-jobs',
  'openapi.json',
]);

const unknownPath = fc.oneof(
  fc.constantFrom(
    '/',
    '/api',
    '/favicon.ico',
    '/.env',
    '/api/%2e%2e/%2e%2e/etc/passwd',
    '/api/ch%61t-x',
    '/index.html',
  ),
  fc
    .array(shortHostileString.map(percentEncode), { minLength: 1, maxLength: 4 })
    .map((segments) => `/api/${segments.join('/')}`)
    .filter((path) => {
      const first = decodeURIComponentSafe(new URL(path, 'http://h').pathname.split('/')[2] ?? '');
      return (
        !KNOWN_FIRST_SEGMENTS.has(first.toLowerCase()) && first !== '' && first !== '.' && first !== '..'
      );
    }),
);

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function notFoundRoute(fixtures: AbuseFixtures) {
  const bodyOrNone = fc.option(
    hostileValue.map((value) => utf8(JSON.stringify(value))),
    { nil: undefined },
  );
  const unknown = fc
    .record({
      path: unknownPath,
      method: fc.constantFrom(...METHODS),
      identity: identity(fixtures),
      body: bodyOrNone,
      common,
    })
    .map(({ path, method, identity: who, body, common: { requestId, noise } }) =>
      request({
        label: 'an unknown path',
        method,
        path,
        headers: { ...noise, ...requestId, ...who.headers, 'content-type': 'application/json' },
        ...(body === undefined || method === 'GET' || method === 'HEAD'
          ? {}
          : { body: { label: 'a hostile body', bytes: body } }),
        expected: method === 'PROPFIND' ? [404, 405] : [404],
      }),
    );
  const wrongMethod = fc
    .record({
      route: fc.constantFrom(...KNOWN_ROUTES),
      method: fc.constantFrom(...METHODS),
      identity: identity(fixtures),
      common,
    })
    .filter(({ route, method }) => !route.methods.includes(method))
    .map(({ route, method, identity: who, common: { requestId, noise } }) =>
      request({
        label: 'a method the route does not serve',
        method,
        path: route.path,
        headers: { ...noise, ...requestId, ...who.headers },
        expected: [405],
      }),
    );
  const preflight = fc
    .record({ route: fc.constantFrom(...KNOWN_ROUTES), origin: headerValue })
    .map(({ route, origin }) =>
      request({
        label: 'a CORS preflight from an unknown origin',
        method: 'OPTIONS',
        path: route.path,
        headers: { origin, 'access-control-request-method': 'POST' },
        expected: [403],
      }),
    );
  return fc.oneof(
    { weight: 3, arbitrary: unknown },
    { weight: 2, arbitrary: wrongMethod },
    { weight: 1, arbitrary: preflight },
  );
}

const healthQuery: fc.Arbitrary<Paging> = fc.oneof(
  fc
    .constantFrom('', '?deep=true', '?deep=1', '?deep=false', '?deep=0', '?deep=true&deep=false', '?deep=')
    .map((query) => ({ query, valid: true })),
  fc.tuple(shortHostileString, junkQuery).map(([deep, query]) => ({
    query: `?deep=${percentEncode(deep)}${query.replace('?', '&')}`,
    valid: true,
  })),
);

/** Queries the route ignores. */
const anyQuery: fc.Arbitrary<Paging> = junkQuery.map((query) => ({ query, valid: true }));

/** One arbitrary per HTTP function of the app, by function name (see src/functions/index.ts). */
export function hostileRequestsByFunction(
  fixtures: AbuseFixtures,
): Record<string, fc.Arbitrary<HostileRequest>> {
  const chat: BodyRoute = {
    valid: chatBody,
    fields: [
      'message',
      'messages',
      'conversationId',
      'temperature',
      'maxTokens',
      'model',
      'context',
      'sessionState',
      'stream',
    ],
    freeFields: ['sessionState'],
    maxBytes: ABUSE_LIMITS.HTTP_MAX_BODY_BYTES,
    success: [200],
  };
  const acceptHeader = fc.option(
    fc.constantFrom('text/event-stream', 'application/json', '*/*', 'text/event-stream;q=0'),
    {
      nil: undefined,
    },
  );
  return {
    health: getRoute('/api/health', healthQuery, fixtures, true),
    'config-info': getRoute('/api/config/info', anyQuery, fixtures),
    openapi: getRoute('/api/openapi.json', anyQuery, fixtures, true),
    chat: postRoute('/api/chat', chat, fixtures, acceptHeader),
    'chat-stream': postRoute('/api/chat/stream', chat, fixtures),
    completions: postRoute(
      '/api/completions',
      {
        valid: completionsBody,
        fields: ['prompt', 'temperature', 'maxTokens'],
        maxBytes: ABUSE_LIMITS.HTTP_MAX_BODY_BYTES,
        success: [200],
      },
      fixtures,
    ),
    'conversations-list': getRoute('/api/conversations', paging, fixtures),
    'conversations-get': idRoute(
      'GET',
      (id) => `/api/conversations/${id}`,
      fixtures.conversationId,
      fixtures,
      [200],
      true,
    ),
    'conversations-delete': idRoute(
      'DELETE',
      (id) => `/api/conversations/${id}`,
      fixtures.conversationId,
      fixtures,
      undefined,
      false,
    ),
    'batch-jobs-post': batchPost(fixtures),
    'batch-jobs-get': idRoute('GET', (id) => `/api/batch-jobs/${id}`, fixtures.jobId, fixtures, [200], false),
    'batch-jobs-results-get': idRoute(
      'GET',
      (id) => `/api/batch-jobs/${id}/results`,
      fixtures.jobId,
      fixtures,
      [200],
      true,
    ),
    'not-found': notFoundRoute(fixtures),
  };
}

function batchPost(fixtures: AbuseFixtures) {
  const route: BodyRoute = {
    valid: batchBody,
    fields: ['items', 'schema', 'instructions', 'name'],
    maxBytes: ABUSE_LIMITS.BATCH_MAX_BODY_BYTES,
    success: [202, 409],
  };
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    fc.stringMatching(/^[\x21-\x7e]{1,200}$/).map((value) => ({ value, valid: true })),
    headerValue
      .filter((value) => !/^[\x21-\x7e]{1,200}$/.test(httpTrim(value)))
      .map((value) => ({ value, valid: false })),
  );
  return fc.tuple(postRoute('/api/batch-jobs', route, fixtures), key).map(([base, idempotency]) => {
    if (idempotency === undefined) return base;
    const invalidKey = !idempotency.valid && base.expected?.[0] !== 401;
    const summary = {
      ...base,
      label: `${base.label}${idempotency.valid ? '' : ', an invalid Idempotency-Key'}`,
      headers: { ...base.headers, 'idempotency-key': idempotency.value },
      ...(invalidKey ? { expected: [400] } : {}),
    };
    return Object.assign(summary, { [fc.toStringMethod]: () => describe(summary) });
  });
}
