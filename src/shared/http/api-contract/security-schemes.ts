// How callers are identified depends on the AUTH_MODE setting; the document states all three honestly.
// AUTH_MODE=none has no scheme: no credentials are read and every caller is the one local user.

export const securitySchemes = {
  bearerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "AUTH_MODE=jwt: `Authorization: Bearer <JWT>`, verified against AUTH_JWT_JWKS_URI, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE. The user is the token's oid claim, else sub.",
  },
  appServicePrincipalId: {
    type: 'apiKey',
    in: 'header',
    name: 'x-ms-client-principal-id',
    description:
      'AUTH_MODE=easyauth: App Service Authentication signs the user in and sets this header (the user id); the platform strips it from client requests, so clients never send it themselves.',
  },
  appServicePrincipal: {
    type: 'apiKey',
    in: 'header',
    name: 'x-ms-client-principal',
    description:
      'AUTH_MODE=easyauth: the base64 JSON principal set by App Service Authentication; its object id must agree with x-ms-client-principal-id.',
  },
} as const;

/** Either scheme, as AUTH_MODE selects. Anonymous operations override this with `[]`. */
export const callerSecurity = [{ bearerJwt: [] }, { appServicePrincipalId: [], appServicePrincipal: [] }];

export const authDescription = [
  'Callers are identified as the AUTH_MODE setting says:',
  '- `jwt`: a bearer JWT (scheme bearerJwt).',
  '- `easyauth`: App Service Authentication in front of the app (schemes appServicePrincipalId and appServicePrincipal, set by the platform).',
  '- `none`: local runs only, refused in Azure. No credentials are read; every caller is the single user `local-user`.',
  '',
  'Operations marked with an empty security requirement (health, this document) are anonymous in every mode. The others answer 401 without a valid caller.',
].join('\n');
