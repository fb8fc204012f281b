import fc from 'fast-check';

import { easyAuthHeaders } from '../identity';
import { type AbuseFixtures, headerValue, httpTrim, shortHostileString } from './values';

// --- identity (AUTH_MODE=easyauth) -------------------------------------------------------------

export interface Identity {
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly valid: boolean;
}

const USER_ID = /^[A-Za-z0-9._@:-]{1,128}$/;
const userId = fc.stringMatching(USER_ID);
const principalOf = (id: string) => easyAuthHeaders(id)['x-ms-client-principal'] ?? '';
const base64 = (text: string) => Buffer.from(text).toString('base64');

export const identity = (fixtures: AbuseFixtures): fc.Arbitrary<Identity> =>
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
