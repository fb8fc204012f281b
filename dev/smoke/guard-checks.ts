import { z } from 'zod';

import { type Check, failed, passed, skipped } from './check';
import { call, describe } from './http';

const configInfoSchema = z.object({ AUTH_MODE: z.object({ value: z.string().optional() }).optional() });

/** Headers App Service Authentication sets after validating a token, made up by a client instead. */
function forgedPrincipal(userId: string): Record<string, string> {
  const principal = {
    auth_typ: 'aad',
    claims: [{ typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: userId }],
  };
  return {
    'x-ms-client-principal-id': userId,
    'x-ms-client-principal-name': 'forged@example.com',
    'x-ms-client-principal-idp': 'aad',
    'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64'),
  };
}

/**
 * A caller's route with forged x-ms-client-principal headers and no token must get 401. Skipped, and
 * said so, when the target runs with AUTH_MODE none: it answers anonymous callers anyway.
 */
export const forgedPrincipalRefused: Check = async (options) => {
  const anonymous = await call(options, '/api/conversations', { auth: false });
  if (anonymous.status === 200) {
    const info = await call(options, '/api/config/info', { auth: false });
    const mode = configInfoSchema.safeParse(info.json).data?.AUTH_MODE?.value;
    return skipped(
      `AUTH_MODE ${mode ?? 'none'}: the target answers anonymous callers (GET /api/conversations gave 200 without credentials)`,
    );
  }
  const forged = await call(options, '/api/conversations', {
    auth: false,
    headers: forgedPrincipal('smoke-forged-user'),
  });
  if (forged.status === 401) return passed('401 for forged x-ms-client-principal headers');
  if (forged.status === 200) {
    return failed(
      'forged x-ms-client-principal headers were accepted (200): is App Service Authentication in front of an easyauth app?',
    );
  }
  return failed(`expected 401, got ${describe(forged)}`);
};

/** A preflight from an origin the app does not list gets no Access-Control-Allow-Origin for it. */
export const corsRefusesOrigin: Check = async (options) => {
  const preflight = (origin: string) =>
    call(options, '/api/chat', {
      method: 'OPTIONS',
      auth: false,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
  const refused = await preflight(options.forbiddenOrigin);
  const allowedFor = refused.headers.get('access-control-allow-origin');
  if (allowedFor === '*' || allowedFor === options.forbiddenOrigin) {
    return failed(`${options.forbiddenOrigin} is allowed (Access-Control-Allow-Origin: ${allowedFor})`);
  }
  const refusal = `${options.forbiddenOrigin} refused (${refused.status}, no Access-Control-Allow-Origin)`;
  if (options.allowedOrigin === undefined) return passed(refusal);
  const allowed = await preflight(options.allowedOrigin);
  if (allowed.headers.get('access-control-allow-origin') !== options.allowedOrigin) {
    return failed(`${refusal}, but ${options.allowedOrigin} is not allowed either (${allowed.status})`);
  }
  return passed(`${refusal}; ${options.allowedOrigin} allowed`);
};
