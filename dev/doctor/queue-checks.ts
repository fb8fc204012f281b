import { isLocalEndpoint } from '../../src/shared/cosmos/cosmos-client';
import { createQueueServiceClient } from '../../src/shared/queues/queue-service';
import { queueNames } from '../../src/shared/storage-names';
import { type CheckContext, type CheckResult, fail, failureFacts, pass, warn, withDeadline } from './check';
import { accessHint, type AccessHints, checkInTwoSteps, missingResult } from './service-steps';

const SERVICE = 'Storage queue service';
const QUEUES = 'Storage queues';

const hints = (auth: string): AccessHints => ({
  ...(auth === 'connection string'
    ? {
        wrongKey: {
          status: 403,
          hint: 'the AccountKey in AzureWebJobsStorage is not a key of this account: copy the connection string from Access keys in the portal',
        },
      }
    : {}),
  forbidden:
    "grant your identity (az login) or the app's managed identity the 'Storage Queue Data Contributor' role on the storage account",
  unreachable:
    'nothing answered at the queue endpoint: check AzureWebJobsStorage (or AzureWebJobsStorage__queueServiceUri); npm start runs Azurite when it is unset',
  noCredential: 'set AzureWebJobsStorage, or sign in with az login / use a managed identity',
  otherwise:
    'check AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__queueServiceUri / __accountName',
});

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
  const access = hints(auth);

  return checkInTwoSteps(
    {
      run: async () => {
        const service = await withDeadline(timeoutMs, () =>
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
        return service;
      },
      passed: (service) => pass(SERVICE, `${service.url} answered and accepted the ${auth}`),
      failed: (error) => {
        const facts = failureFacts(error);
        return fail(SERVICE, `${auth}: ${facts.message}`, accessHint(facts, access));
      },
    },
    {
      name: QUEUES,
      skipped: 'skipped until the queue service check passes',
      run: async (service) => {
        const names = Object.values(queueNames);
        let found: boolean[];
        try {
          found = await withDeadline(timeoutMs, (signal) =>
            Promise.all(names.map((name) => service.getQueueClient(name).exists({ abortSignal: signal }))),
          );
        } catch (error) {
          const facts = failureFacts(error);
          return fail(QUEUES, facts.message, accessHint(facts, access));
        }
        const missing = names.filter((_, index) => found[index] !== true);
        if (missing.length === 0) return pass(QUEUES, `${names.join(', ')} exist`);
        return missingResult(QUEUES, isLocalEndpoint(service.url), {
          local: `${missing.join(', ')} not created yet; they are created on first use locally`,
          azure: `${missing.join(', ')} missing`,
          provision: 'provision the storage account (azd provision creates the queues in infra/)',
        });
      },
    },
  );
}
