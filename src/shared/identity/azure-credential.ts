import type { TokenCredential } from '@azure/core-auth';

import type { AppConfig } from '../config/settings';
import { loadIdentity } from '../lazy-modules';

/**
 * One Microsoft Entra credential per process, created on first use so cold start does not load
 * @azure/identity when every dependency uses a key.
 */
export function lazyCredential(config: Pick<AppConfig, 'AZURE_CLIENT_ID'>): () => Promise<TokenCredential> {
  let credential: Promise<TokenCredential> | undefined;
  return () =>
    (credential ??= loadIdentity().then(
      ({ DefaultAzureCredential }) =>
        new DefaultAzureCredential(
          config.AZURE_CLIENT_ID === undefined ? {} : { managedIdentityClientId: config.AZURE_CLIENT_ID },
        ),
    ));
}

/**
 * A Microsoft Entra bearer-token function for one scope, via @azure/identity's getBearerTokenProvider
 * (tokens are cached and refreshed before they expire).
 */
export function bearerTokenProvider(
  credential: () => Promise<TokenCredential>,
): (scope: string) => Promise<string> {
  const providers = new Map<string, Promise<() => Promise<string>>>();
  return async (scope) => {
    let provider = providers.get(scope);
    if (provider === undefined) {
      provider = Promise.all([credential(), loadIdentity()]).then(([resolved, identity]) =>
        identity.getBearerTokenProvider(resolved, scope),
      );
      providers.set(scope, provider);
    }
    return (await provider)();
  };
}
