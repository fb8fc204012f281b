/** The headers App Service Authentication passes for a signed-in user (what the platform sets in Azure). */
export function easyAuthHeaders(userId: string): Record<string, string> {
  const principal = {
    auth_typ: 'aad',
    claims: [{ typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: userId }],
  };
  return {
    'x-ms-client-principal-id': userId,
    'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64'),
  };
}
