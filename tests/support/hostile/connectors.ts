import fc from 'fast-check';

import { easyAuthHeaders } from '../identity';
import { bodies, type BodyRoute } from './bodies';
import { type Identity, identity } from './identity';
import { common, request } from './request';
import { junkQuery, pathVariant } from './urls';
import { ABUSE_LIMITS, type AbuseFixtures, hostileKey, hostileValue } from './values';

/** The app role the abuse host requires for connectors (its default CONNECTORS_ALLOWED_ROLE). */
const ROLE = 'Connectors.Run';
const runner: Identity = {
  label: 'a caller with the connectors role',
  headers: easyAuthHeaders('abuse-connector-runner', { roles: [ROLE] }),
  valid: true,
  admin: false,
};

const CODE = {
  python:
    'import json, sys\nc = json.load(sys.stdin)["connector"]\nprint(json.dumps({"ok": True, "result": c["configuration"]["value"]}))',
  javascript:
    'const c = JSON.parse(require("fs").readFileSync(0, "utf8")).connector;\nconsole.log(JSON.stringify({ ok: true, result: c.configuration.value }));',
} as const;

/** A connector that runs: it prints its configuration's value back, under hostile overrides. */
const connectorBody: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      language: fc.constantFrom('python' as const, 'javascript' as const),
      value: fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 40 })),
      overrides: fc.dictionary(hostileKey, hostileValue, { maxKeys: 3 }),
      network: fc.constantFrom('none', 'bridge'),
      extraFile: fc.constantFrom('lib/util.py', 'data.json', 'a-b_c/d.txt'),
    },
    { requiredKeys: ['language', 'value'] },
  )
  // A placeholder in an override would make the body need env; that is missing_env, not a valid body.
  .filter(({ overrides }) => !JSON.stringify(overrides ?? {}).includes('{{'))
  .map(({ language, value, overrides, network, extraFile }) => {
    const entryPoint = language === 'python' ? 'main.py' : 'index.js';
    return {
      connector: {
        runtime: { language, entryPoint, timeoutMs: 10_000 },
        configuration: { value },
        files: { [entryPoint]: CODE[language], ...(extraFile === undefined ? {} : { [extraFile]: '{}' }) },
      },
      ...(overrides === undefined ? {} : { configuration_overrides: { ...overrides, value } }),
      ...(network === undefined ? {} : { network_mode: network }),
    };
  });

/**
 * POST /api/connectors/execute: mostly a caller with the role (the body decides), some without it (403
 * before the body is read), and forged identities (401).
 */
export function connectorsPost(fixtures: AbuseFixtures) {
  const route: BodyRoute = {
    valid: connectorBody,
    fields: ['connector', 'env', 'configuration_overrides', 'network_mode'],
    freeFields: ['configuration_overrides'],
    maxBytes: ABUSE_LIMITS.CONNECTORS_MAX_BODY_BYTES,
    success: [200],
  };
  return fc
    .record({
      path: pathVariant('/api/connectors/execute'),
      query: junkQuery,
      who: fc.oneof(
        { weight: 6, arbitrary: fc.constant(runner) },
        { weight: 3, arbitrary: identity(fixtures) },
      ),
      body: bodies(route),
      common,
    })
    .map(({ path, query, who, body, common: { requestId, noise } }) =>
      request({
        label: body.label,
        method: 'POST',
        path: `${path}${query}`,
        identity: who,
        headers: { ...noise, ...requestId },
        body: who === runner || !who.valid ? body : { ...body, expected: [403] },
      }),
    );
}
