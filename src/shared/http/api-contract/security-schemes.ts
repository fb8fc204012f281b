// How callers are identified depends on the AUTH_MODE setting; the document states all three honestly.
// AUTH_MODE=none has no scheme: no credentials are read and every caller is the one local user.

export const securitySchemes = {
  bearerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "AUTH_MODE=jwt: `Authorization: Bearer <JWT>`, verified against AUTH_JWT_JWKS_URI, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE; exp is required, within AUTH_JWT_CLOCK_TOLERANCE_SECONDS; AUTH_JWT_ALLOWED_CLIENT_IDS, AUTH_JWT_REQUIRED_SCOPES and AUTH_JWT_REQUIRED_ROLES are checked when set. The user is the token's oid claim, else sub; its roles claim gives the caller's roles.",
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
      "AUTH_MODE=easyauth: the base64 JSON principal set by the platform. App Service Authentication's shape (claims; its object id must agree with x-ms-client-principal-id; role claims give the roles), or Azure Static Web Apps' (identityProvider, userId, userDetails, userRoles), which comes without the -id header.",
  },
} as const;

/** Either scheme, as AUTH_MODE selects. Anonymous operations override this with `[]`. */
export const callerSecurity = [
  { bearerJwt: [] },
  { appServicePrincipalId: [], appServicePrincipal: [] },
  { appServicePrincipal: [] },
];

export const authDescription = [
  'Callers are identified as the AUTH_MODE setting says:',
  '- `jwt`: a bearer JWT (scheme bearerJwt).',
  '- `easyauth`: App Service Authentication in front of the app (schemes appServicePrincipalId and appServicePrincipal, set by the platform), or Azure Static Web Apps (appServicePrincipal alone). In Azure the app refuses to start unless WEBSITE_AUTH_ENABLED says the platform authentication is on.',
  '- `none`: local runs only, refused in Azure. No credentials are read; every caller is the single user `local-user`, who has the admin role.',
  '',
  'Operations marked with an empty security requirement (health, this document) are anonymous in every mode. The others answer 401 without a valid caller, and 403 to a caller without a role or scope the settings require.',
  'GET /api/config/info and GET /api/health?deep=true are for callers with the role AUTH_ADMIN_ROLE (default `admin`).',
].join('\n');
