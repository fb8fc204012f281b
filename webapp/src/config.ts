/**
 * Build-time settings (Vite `VITE_*` variables). Locally none is set: the API is on the same origin and
 * needs no sign-in. A production build for Azure Static Web Apps sets all four (infra/README.md).
 */
export interface WebAppConfig {
  /** The function app, e.g. https://func-xyz.azurewebsites.net; '' = this page's origin. */
  readonly apiBaseUrl: string;
  /** Microsoft Entra sign-in (MSAL), when the API runs with AUTH_MODE=jwt. */
  readonly entra?: { readonly clientId: string; readonly tenantId: string; readonly apiScope: string };
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

export function readConfig(env: Record<string, unknown>): WebAppConfig {
  const clientId = text(env.VITE_ENTRA_CLIENT_ID);
  const tenantId = text(env.VITE_ENTRA_TENANT_ID);
  const apiScope = text(env.VITE_API_SCOPE);
  const apiBaseUrl = text(env.VITE_API_BASE_URL).replace(/\/+$/, '');
  return clientId === '' ? { apiBaseUrl } : { apiBaseUrl, entra: { clientId, tenantId, apiScope } };
}

export const config = readConfig(import.meta.env);
