import type { CosmosClient } from '@azure/cosmos';

import { createCosmosClient, isLocalEndpoint } from '../../src/shared/cosmos/cosmos-client';
import {
  type CheckContext,
  type CheckResult,
  DeadlineError,
  type ErrorFacts,
  errorFacts,
  fail,
  isConnectionFailure,
  pass,
  warn,
  withDeadline,
} from './check';

const ACCOUNT = 'Cosmos DB account';
const DATABASE = 'Cosmos DB database';

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
  const auth = config.COSMOS_KEY === undefined ? 'COSMOS_KEY not set: Microsoft Entra ID' : 'COSMOS_KEY set';
  const where = `${endpoint} (${auth})`;

  let client: CosmosClient;
  try {
    client = await withDeadline(timeoutMs, () =>
      createCosmosClient({ COSMOS_ENDPOINT: endpoint, COSMOS_KEY: config.COSMOS_KEY }, credential),
    );
    await withDeadline(timeoutMs, (signal) => client.getDatabaseAccount({ abortSignal: signal }));
  } catch (error) {
    const facts = factsOf(error);
    return [
      fail(ACCOUNT, `${where}: ${facts.message}`, accountHint(facts)),
      warn(DATABASE, 'skipped until the account check passes'),
    ];
  }
  const reached = pass(ACCOUNT, `${where} answered and accepted the credential`);

  const name = config.COSMOS_DATABASE ?? 'chat';
  try {
    await withDeadline(timeoutMs, (signal) => client.database(name).read({ abortSignal: signal }));
    return [reached, pass(DATABASE, `'${name}' exists`)];
  } catch (error) {
    const facts = factsOf(error);
    if (facts.status !== 404)
      return [reached, fail(DATABASE, `'${name}': ${facts.message}`, accountHint(facts))];
    return isLocalEndpoint(endpoint)
      ? [reached, warn(DATABASE, `'${name}' does not exist yet; the app creates it on first use locally`)]
      : [
          reached,
          fail(
            DATABASE,
            `'${name}' does not exist`,
            'provision it (azd provision creates it with the containers), or set COSMOS_DATABASE to the database that exists',
          ),
        ];
  }
}

function factsOf(error: unknown): ErrorFacts {
  return error instanceof DeadlineError ? { message: error.message, code: 'DEADLINE' } : errorFacts(error);
}

function accountHint(facts: ErrorFacts): string {
  if (facts.status === 401) {
    return 'COSMOS_KEY is not a key of this account: copy it from Keys in the portal, or unset it to use Microsoft Entra ID';
  }
  if (facts.status === 403) {
    return "grant your identity (az login) or the app's managed identity the 'Cosmos DB Built-in Data Contributor' data-plane role on the account";
  }
  if (facts.code === 'DEADLINE' || isConnectionFailure(facts)) {
    return 'nothing answered at COSMOS_ENDPOINT: it must be https://<account>.documents.azure.com, reachable from this network (npm start runs a local emulator when it is unset)';
  }
  if (/credential|authentication/i.test(facts.message)) {
    return 'set COSMOS_KEY (local emulator), or sign in with az login / use a managed identity';
  }
  return 'check COSMOS_ENDPOINT and COSMOS_KEY';
}
