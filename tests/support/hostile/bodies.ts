import fc from 'fast-check';

import { hostileKey, hostileValue } from './values';

// --- bodies ------------------------------------------------------------------------------------

export interface Body {
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

export const utf8 = (text: string) => new TextEncoder().encode(text);
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** A body route: what a valid body looks like, its fields, its size limit and its success status. */
export interface BodyRoute {
  readonly valid: fc.Arbitrary<Record<string, unknown>>;
  readonly fields: readonly string[];
  /** Fields that take any JSON value (a huge one is still valid). */
  readonly freeFields?: readonly string[];
  readonly maxBytes: number;
  readonly success: readonly number[];
}

export function bodies(route: BodyRoute): fc.Arbitrary<Body> {
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
