import { createCosmosClient, isLocalEndpoint } from '../../src/shared/cosmos/cosmos-client';
import { type CheckContext, type CheckResult, fail, failureFacts, pass, warn, withDeadline } from './check';
import {
  accessHint,
  type AccessHints,
  checkInTwoSteps,
  credentialName,
  missingResult,
} from './service-steps';

const ACCOUNT = 'Cosmos DB account';
const DATABASE = 'Cosmos DB database';

const HINTS: AccessHints = {
  wrongKey: {
    status: 401,
    hint: 'COSMOS_KEY is not a key of this account: copy it from Keys in the portal, or unset it to use Microsoft Entra ID',
  },
  forbidden:
    "grant your identity (az login) or the app's managed identity the 'Cosmos DB Built-in Data Contributor' data-plane role on the account",
  unreachable:
    'nothing answered at COSMOS_ENDPOINT: it must be https://<account>.documents.azure.com, reachable from this network (npm start runs a local emulator when it is unset)',
  noCredential: 'set COSMOS_KEY (local emulator), or sign in with az login / use a managed identity',
  otherwise: 'check COSMOS_ENDPOINT and COSMOS_KEY',
};

/**
 * Cosmos DB: the account answers with the configured credential, then the database exists (locally it
 * is created on first use).
 *
 * @example
 * const results = await checkCosmos(context);
 */
export async function checkCosmos({ config, timeoutMs, credential }: CheckContext): Promise<CheckResult[]> {
  const endpoint = config.COSMOS_ENDPOINT;
  if (endpoint === undefined) return [warn(ACCOUNT, 'skipped: COSMOS_ENDPOINT is not set (see settings)')];
  const where = `${endpoint} (${credentialName('COSMOS_KEY', config.COSMOS_KEY)})`;
  const name = config.COSMOS_DATABASE ?? 'chat';

  return checkInTwoSteps(
    {
      run: async () => {
        const client = await withDeadline(timeoutMs, () =>
          createCosmosClient({ COSMOS_ENDPOINT: endpoint, COSMOS_KEY: config.COSMOS_KEY }, credential),
        );
        await withDeadline(timeoutMs, (signal) => client.getDatabaseAccount({ abortSignal: signal }));
        return client;
      },
      passed: () => pass(ACCOUNT, `${where} answered and accepted the credential`),
      failed: (error) => {
        const facts = failureFacts(error);
        return fail(ACCOUNT, `${where}: ${facts.message}`, accessHint(facts, HINTS));
      },
    },
    {
      name: DATABASE,
      skipped: 'skipped until the account check passes',
      run: async (client) => {
        try {
          await withDeadline(timeoutMs, (signal) => client.database(name).read({ abortSignal: signal }));
          return pass(DATABASE, `'${name}' exists`);
        } catch (error) {
          const facts = failureFacts(error);
          if (facts.status !== 404)
            return fail(DATABASE, `'${name}': ${facts.message}`, accessHint(facts, HINTS));
          return missingResult(DATABASE, isLocalEndpoint(endpoint), {
            local: `'${name}' does not exist yet; the app creates it on first use locally`,
            azure: `'${name}' does not exist`,
            provision:
              'provision it (azd provision creates it with the containers), or set COSMOS_DATABASE to the database that exists',
          });
        }
      },
    },
  );
}
