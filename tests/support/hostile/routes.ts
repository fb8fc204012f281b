import fc from 'fast-check';

import { bodies, type BodyRoute } from './bodies';
import { identity } from './identity';
import { common, request } from './request';
import { hostileId, junkQuery, type Paging, paging, pathVariant, wellFormedId } from './urls';
import type { AbuseFixtures } from './values';

export function postRoute(
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
export function idRoute(
  method: string,
  template: (id: string) => string,
  /** The owner's resource; undefined when the abuse fixtures create none of this kind. */
  ownedId: string | undefined,
  fixtures: AbuseFixtures,
  ownerStatus: readonly number[] | undefined,
  withPaging: boolean,
) {
  return (
    fc
      .record({
        id: fc.oneof(
          ...(ownedId === undefined ? [] : [fc.constant({ id: ownedId, kind: 'owned' as const })]),
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

export function getRoute(
  path: string,
  query: fc.Arbitrary<Paging>,
  fixtures: AbuseFixtures,
  access: {
    readonly anonymous: boolean;
    /** Whether this query asks for what only admins may see (the whole route, or deep health). */
    readonly adminOnly: (query: string) => boolean;
  },
) {
  return fc
    .record({ path: pathVariant(path), query, identity: identity(fixtures), common })
    .map(({ path: variant, query: page, identity: who, common: { requestId, noise } }) => {
      const adminOnly = access.adminOnly(page.query);
      return request({
        label: page.valid ? 'a valid query' : 'an invalid query',
        method: 'GET',
        path: `${variant}${page.query}`,
        identity: who,
        identityDecides: !access.anonymous,
        adminOnly,
        headers: { ...noise, ...requestId },
        // A deep health check may find a dependency down (503): that is its answer, not a server error.
        expected: page.valid ? (adminOnly && access.anonymous ? [200, 503] : [200]) : [400],
      });
    });
}
