const ROLE_CLAIM = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/** The headers App Service Authentication passes for a signed-in user (what the platform sets in Azure). */
export function easyAuthHeaders(
  userId: string,
  options: { roles?: readonly string[] } = {},
): Record<string, string> {
  const principal = {
    auth_typ: 'aad',
    name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
    role_typ: ROLE_CLAIM,
    claims: [
      { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: userId },
      ...(options.roles ?? []).map((role) => ({ typ: ROLE_CLAIM, val: role })),
    ],
  };
  return { 'x-ms-client-principal-id': userId, 'x-ms-client-principal': base64(principal) };
}

/** The one header Azure Static Web Apps passes to a linked Functions app: its own principal shape, no -id header. */
export function staticWebAppsHeaders(principal: {
  userId: string;
  userRoles: readonly string[];
  identityProvider?: string;
  userDetails?: string;
}): Record<string, string> {
  return {
    'x-ms-client-principal': base64({
      identityProvider: principal.identityProvider ?? 'aad',
      userId: principal.userId,
      userDetails: principal.userDetails ?? `${principal.userId}@example.test`,
      userRoles: principal.userRoles,
    }),
  };
}
