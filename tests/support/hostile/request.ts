import fc from 'fast-check';

import type { Body } from './bodies';
import type { Identity } from './identity';
import { noiseHeaders, requestIdHeader } from './urls';
import type { HostileRequest } from './values';

// --- requests per function ------------------------------------------------------------------------

export function request(parts: {
  label: string;
  method: string;
  path: string;
  identity?: Identity;
  headers: Record<string, string>;
  body?: Body;
  expected?: readonly number[];
  /** False on anonymous routes, and on paths that may reach another (anonymous) function. */
  identityDecides?: boolean;
  webApp?: boolean;
  /** The route (or this query of it) is for callers with the admin role: others get 403. */
  adminOnly?: boolean;
}): HostileRequest {
  const { identity, body } = parts;
  const expected =
    identity?.valid === false && parts.identityDecides !== false
      ? [401]
      : parts.adminOnly === true && identity?.admin !== true
        ? [identity === undefined || !identity.valid ? 401 : 403]
        : (body?.expected ?? parts.expected);
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
    ...(parts.webApp === true ? { webApp: true } : {}),
  };
  return Object.assign(summary, { [fc.toStringMethod]: () => describe(summary) });
}

/** A short form for fast-check's counterexample report (bodies can be 100 KB). */
export function describe(request: HostileRequest): string {
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

export const common = fc.record({ requestId: requestIdHeader, noise: noiseHeaders });
