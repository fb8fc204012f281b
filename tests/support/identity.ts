/** The headers App Service Authentication passes for a signed-in user (what the platform sets in Azure), with its app roles. */
export function easyAuthHeaders(userId: string, roles: readonly string[] = []): Record<string, string> {
  const principal = {
    auth_typ: 'aad',
    role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
    claims: [
      { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: userId },
      ...roles.map((role) => ({ typ: 'roles', val: role })),
    ],
  };
  return {
    'x-ms-client-principal-id': userId,
    'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64'),
  };
}
