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
    (credential ??= Promise.resolve().then(() => {
      const { DefaultAzureCredential } = loadIdentity();
      return new DefaultAzureCredential(
        config.AZURE_CLIENT_ID === undefined ? {} : { managedIdentityClientId: config.AZURE_CLIENT_ID },
      );
    }));
}
