import fc from 'fast-check';

import { headerValue, hostileKey, shortHostileString } from './values';

// --- headers, paths and queries -------------------------------------------------------------------

const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const requestIdHeader = fc.oneof(
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
export const noiseHeaders = fc.dictionary(fc.constantFrom(...NOISE_HEADERS), headerValue, { maxKeys: 2 });

export const pathVariant = (path: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(path) },
    fc.constant(`${path}/`),
    fc.mixedCase(fc.constant(path)),
  );

export const junkQuery = fc.oneof(
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
export function percentEncode(text: string): string {
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
export const wellFormedId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
export const hostileId = fc.oneof(
  fc.constantFrom(...HOSTILE_IDS),
  fc.stringMatching(/^[A-Za-z0-9_-]{65,80}$/),
  shortHostileString.map(percentEncode),
);

export interface Paging {
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
export const paging: fc.Arbitrary<Paging> = fc.oneof(
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
