import { config } from './config';

type TokenSource = () => Promise<string | undefined>;

let tokenSource: TokenSource = () => Promise.resolve(undefined);

/**
 * Signs the user in with MSAL when the build names an Entra app registration (production, AUTH_MODE=jwt);
 * otherwise nothing (the local stack runs with AUTH_MODE=none). MSAL is loaded only then.
 */
export async function startAuth(): Promise<void> {
  const entra = config.entra;
  if (entra === undefined) return;
  const { PublicClientApplication, InteractionRequiredAuthError } = await import('@azure/msal-browser');
  const msal = new PublicClientApplication({
    auth: {
      clientId: entra.clientId,
      authority: `https://login.microsoftonline.com/${entra.tenantId}`,
      redirectUri: window.location.origin,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await msal.initialize();
  const redirect = await msal.handleRedirectPromise();
  const account = redirect?.account ?? msal.getAllAccounts()[0];
  const scopes = [entra.apiScope];
  if (account === undefined) {
    await msal.loginRedirect({ scopes });
    return;
  }
  msal.setActiveAccount(account);
  tokenSource = async () => {
    try {
      return (await msal.acquireTokenSilent({ scopes, account })).accessToken;
    } catch (error) {
      if (error instanceof InteractionRequiredAuthError) await msal.acquireTokenRedirect({ scopes, account });
      throw error;
    }
  };
}

/** A bearer token for the API, or undefined when the API needs none. */
export const accessToken = (): Promise<string | undefined> => tokenSource();
