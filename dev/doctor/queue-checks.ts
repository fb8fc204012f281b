import type { QueueServiceClient } from '@azure/storage-queue';

import { isLocalEndpoint } from '../../src/shared/cosmos/cosmos-client';
import { createQueueServiceClient } from '../../src/shared/queues/queue-service';
import { queueNames } from '../../src/shared/storage-names';
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

const SERVICE = 'Storage queue service';
const QUEUES = 'Storage queues';

/**
 * Storage queues: the queue service answers with the configured credential, then the app's queues
 * exist (locally they are created on first use).
 *
 * @example
 * const results = await checkQueues(context);
 */
export async function checkQueues({ config, timeoutMs, credential }: CheckContext): Promise<CheckResult[]> {
  const identity = config.AzureWebJobsStorage__queueServiceUri ?? config.AzureWebJobsStorage__accountName;
  if (config.AzureWebJobsStorage === undefined && identity === undefined) {
    return [warn(SERVICE, 'skipped: AzureWebJobsStorage is not set (see settings)')];
  }
  const auth = config.AzureWebJobsStorage === undefined ? 'Microsoft Entra ID' : 'connection string';

  let service: QueueServiceClient;
  try {
    service = await withDeadline(timeoutMs, () =>
      createQueueServiceClient(
        {
          AzureWebJobsStorage: config.AzureWebJobsStorage,
          AzureWebJobsStorage__queueServiceUri: config.AzureWebJobsStorage__queueServiceUri,
          AzureWebJobsStorage__accountName: config.AzureWebJobsStorage__accountName,
        },
        credential,
      ),
    );
    await withDeadline(timeoutMs, (signal) => service.getProperties({ abortSignal: signal }));
  } catch (error) {
    const facts = factsOf(error);
    return [
      fail(SERVICE, `${auth}: ${facts.message}`, serviceHint(facts, auth)),
      warn(QUEUES, 'skipped until the queue service check passes'),
    ];
  }
  const reached = pass(SERVICE, `${service.url} answered and accepted the ${auth}`);

  const names = Object.values(queueNames);
  let missing: string[];
  try {
    const found = await withDeadline(timeoutMs, (signal) =>
      Promise.all(names.map((name) => service.getQueueClient(name).exists({ abortSignal: signal }))),
    );
    missing = names.filter((_, index) => found[index] !== true);
  } catch (error) {
    const facts = factsOf(error);
    return [reached, fail(QUEUES, facts.message, serviceHint(facts, auth))];
  }
  if (missing.length === 0) return [reached, pass(QUEUES, `${names.join(', ')} exist`)];
  return isLocalEndpoint(service.url)
    ? [reached, warn(QUEUES, `${missing.join(', ')} not created yet; they are created on first use locally`)]
    : [
        reached,
        fail(
          QUEUES,
          `${missing.join(', ')} missing`,
          'provision the storage account (azd provision creates the queues in infra/)',
        ),
      ];
}

function factsOf(error: unknown): ErrorFacts {
  return error instanceof DeadlineError ? { message: error.message, code: 'DEADLINE' } : errorFacts(error);
}

function serviceHint(facts: ErrorFacts, auth: string): string {
  if (facts.status === 403 && auth === 'connection string') {
    return 'the AccountKey in AzureWebJobsStorage is not a key of this account: copy the connection string from Access keys in the portal';
  }
  if (facts.status === 403) {
    return "grant your identity (az login) or the app's managed identity the 'Storage Queue Data Contributor' role on the storage account";
  }
  if (facts.code === 'DEADLINE' || isConnectionFailure(facts)) {
    return 'nothing answered at the queue endpoint: check AzureWebJobsStorage (or AzureWebJobsStorage__queueServiceUri); npm start runs Azurite when it is unset';
  }
  if (/credential|authentication/i.test(facts.message)) {
    return 'set AzureWebJobsStorage, or sign in with az login / use a managed identity';
  }
  return 'check AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__queueServiceUri / __accountName';
}
