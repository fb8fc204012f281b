import fc from 'fast-check';

import { utf8 } from './bodies';
import { identity } from './identity';
import { common, request } from './request';
import { percentEncode } from './urls';
import { type AbuseFixtures, headerValue, hostileValue, shortHostileString } from './values';

const KNOWN_ROUTES: readonly { path: string; methods: readonly string[] }[] = [
  { path: '/api/health', methods: ['GET'] },
  { path: '/api/config/info', methods: ['GET'] },
  { path: '/api/openapi.json', methods: ['GET'] },
  { path: '/api/chat', methods: ['POST'] },
  { path: '/api/chat/stream', methods: ['POST'] },
  { path: '/api/chat/ui', methods: ['POST'] },
  { path: '/api/openai/v1/chat/completions', methods: ['POST'] },
  { path: '/api/openai/v1/models', methods: ['GET'] },
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
  'openai',
]);

/** Paths outside /api: the built web app's (GET and HEAD); nothing else of the machine may be reached. */
const webAppPath = fc.oneof(
  // A client normalises dot segments before sending: /api/%2e%2e/%2e%2e/etc/passwd arrives as /etc/passwd,
  // a route of the page (the page answers, never a file of the machine).
  fc
    .constantFrom('/', '/index.html', '/c/some-chat', '/batch', '/api/%2e%2e/%2e%2e/etc/passwd')
    .map((path) => ({ path, exists: true })),
  fc
    .constantFrom(
      '/favicon.ico',
      '/.env',
      '/package.json',
      '/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/assets/..%2f..%2f..%2fhost.json',
      '/local.settings.json',
      '/%00',
      '/assets/missing.js',
    )
    .map((path) => ({ path, exists: false })),
);

const unknownPath = fc.oneof(
  fc.constantFrom('/api', '/api/ch%61t-x'),
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

export function notFoundRoute(fixtures: AbuseFixtures) {
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
  const webApp = fc
    .record({ target: webAppPath, method: fc.constantFrom('GET', 'HEAD'), common })
    .map(({ target, method, common: { requestId, noise } }) =>
      request({
        label: target.exists ? 'a page of the web app' : 'a file the web app does not have',
        method,
        path: target.path,
        headers: { ...noise, ...requestId },
        expected: target.exists ? [200] : [404],
        webApp: true,
      }),
    );
  return fc.oneof(
    { weight: 3, arbitrary: unknown },
    { weight: 1, arbitrary: webApp },
    { weight: 2, arbitrary: wrongMethod },
    { weight: 1, arbitrary: preflight },
  );
}
