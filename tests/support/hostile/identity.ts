import fc from 'fast-check';

import { easyAuthHeaders, staticWebAppsHeaders } from '../identity';
import { type AbuseFixtures, headerValue, httpTrim, shortHostileString } from './values';

// --- identity (AUTH_MODE=easyauth) -------------------------------------------------------------

export interface Identity {
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly valid: boolean;
  /** Holds the abuse host's AUTH_ADMIN_ROLE (the default, `admin`). */
  readonly admin: boolean;
}

const ADMIN_ROLE = 'admin';

const USER_ID = /^[A-Za-z0-9._@:-]{1,128}$/;
const userId = fc.stringMatching(USER_ID);
const principalOf = (id: string) => easyAuthHeaders(id)['x-ms-client-principal'] ?? '';
const base64 = (text: string) => Buffer.from(text).toString('base64');

export const identity = (fixtures: AbuseFixtures): fc.Arbitrary<Identity> =>
  fc.oneof(
    { weight: 5, arbitrary: userId.map((id) => valid('valid identity', easyAuthHeaders(id))) },
    { weight: 2, arbitrary: fc.constant(valid('the owner', fixtures.owner)) },
    {
      weight: 2,
      arbitrary: userId.map((id) => valid('an admin', easyAuthHeaders(id, { roles: [ADMIN_ROLE] }), true)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          userId,
          fc.array(fc.constantFrom('anonymous', 'authenticated', ADMIN_ROLE, 'reader'), { maxLength: 3 }),
        )
        .map(([id, userRoles]) =>
          valid(
            'a Static Web Apps principal',
            staticWebAppsHeaders({ userId: id, userRoles }),
            userRoles.includes(ADMIN_ROLE),
          ),
        ),
    },
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

const valid = (label: string, headers: Readonly<Record<string, string>>, admin = false): Identity => ({
  label,
  headers,
  valid: true,
  admin,
});
const forged = (label: string, headers: Readonly<Record<string, string>>): Identity => ({
  label,
  headers,
  valid: false,
  admin: false,
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
  fc
    .oneof(
      headerValue.filter((id) => !USER_ID.test(id)),
      fc.constant(''),
      fc.constant('u'.repeat(129)),
    )
    .map((id) =>
      forged('a Static Web Apps principal without a usable userId', {
        'x-ms-client-principal': base64(
          JSON.stringify({ identityProvider: 'aad', userId: id, userRoles: [ADMIN_ROLE] }),
        ),
      }),
    ),
  fc
    .tuple(userId, userId)
    .filter(([claimed, real]) => claimed !== real)
    .map(([claimed, real]) =>
      forged('a Static Web Apps principal with another -id header', {
        ...staticWebAppsHeaders({ userId: real, userRoles: [ADMIN_ROLE] }),
        'x-ms-client-principal-id': claimed,
      }),
    ),
);
