import type { Container, CosmosClient } from '@azure/cosmos';

import type { AppConfig } from '../config/settings';
import { AppError, ensureError, UpstreamError, ValidationError } from '../errors';

/** Pass in `expected` for a paged query: a 400 from Cosmos then means the caller's continuation token was bad. */
export const CONTINUATION_REJECTED = -400;
import { cosmosContainers } from '../storage-names';
import { isLocalEndpoint } from './cosmos-client';

export type ContainerName = keyof typeof cosmosContainers;

/**
 * The app's containers. Against a local emulator the database and containers are created when missing;
 * in Azure the Bicep creates them and the app's identity has data-plane rights only.
 */
export function createContainerProvider(
  client: () => Promise<CosmosClient>,
  config: Pick<AppConfig, 'COSMOS_ENDPOINT' | 'COSMOS_DATABASE'>,
): (name: ContainerName) => Promise<Container> {
  const createIfMissing = config.COSMOS_ENDPOINT !== undefined && isLocalEndpoint(config.COSMOS_ENDPOINT);
  const cache = new Map<ContainerName, Promise<Container>>();
  return (name) => {
    let container = cache.get(name);
    if (container === undefined) {
      container = open(name).catch((error: unknown) => {
        cache.delete(name);
        throw error;
      });
      cache.set(name, container);
    }
    return container;
  };

  async function open(name: ContainerName): Promise<Container> {
    const cosmos = await client();
    const { name: id, partitionKeyPath } = cosmosContainers[name];
    if (!createIfMissing) return cosmos.database(config.COSMOS_DATABASE).container(id);
    const create = () =>
      cosmosCall(async () => {
        const { database } = await cosmos.databases.createIfNotExists({ id: config.COSMOS_DATABASE });
        // defaultTtl -1: no expiry unless an item sets its own ttl (COSMOS_CONVERSATION_TTL_SECONDS).
        const { container } = await database.containers.createIfNotExists({
          id,
          partitionKey: { paths: [partitionKeyPath] },
          defaultTtl: -1,
        });
        return container;
      }, [409]);
    // Another instance may create the database, then the container, between our read and our create:
    // each 409 means one more is there now.
    for (let attempt = 1; ; attempt++) {
      try {
        return await create();
      } catch (error) {
        if (cosmosStatus(error) !== 409 || attempt >= 3)
          return cosmosCall(() => Promise.reject(ensureError(error)));
      }
    }
  }
}

/** The HTTP status of a Cosmos error, when it has one. */
export function cosmosStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'number') return error.code;
  return 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

/**
 * Runs a Cosmos call and turns a failure the caller did not expect into the error tree, by Cosmos DB's
 * documented status codes: an outage (no answer, the SDK's timeout, 408, 429 after the SDK's own retries,
 * 449, 500, 502, 503, 504) is a 503 that the queue functions wait out; refused credentials or access
 * (401, 403), 410 and other 5xx are a 502 the host may retry; any other refusal (400, 404, 409, 412, 413 ...)
 * is about the request itself and never retried. Messages name the status, never the SDK's text.
 */
export async function cosmosCall<T>(call: () => Promise<T>, expected: readonly number[] = []): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = cosmosStatus(error);
    if (status !== undefined && expected.includes(status)) throw error;
    if (status === 400 && expected.includes(CONTINUATION_REJECTED)) {
      throw new ValidationError(
        'The continuation token is not valid',
        [{ path: 'continuationToken', message: 'rejected by the store' }],
        'invalid_continuation_token',
      );
    }
    throw toCosmosError(status);
  }
}

const OUTAGE = new Set([408, 429, 449, 500, 502, 503, 504]);
const REFUSALS: Readonly<Record<number, string>> = {
  400: 'bad request',
  404: 'not found',
  405: 'method not allowed',
  409: 'conflict',
  412: 'precondition failed',
  413: 'request entity too large',
  423: 'locked',
  424: 'failed dependency',
};

function toCosmosError(status: number | undefined): AppError {
  if (status === undefined || OUTAGE.has(status)) {
    return new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable; retry shortly', 5);
  }
  if (status === 401 || status === 403) {
    return new UpstreamError(
      502,
      'storage_access_denied',
      `Cosmos DB refused the app's access (${status}); check COSMOS_ENDPOINT and the identity's Cosmos DB data-plane role`,
    );
  }
  // 410: a partition moved, which the SDK normally handles itself.
  if (status >= 500 || status < 400 || status === 410) {
    return new UpstreamError(502, 'storage_error', `Cosmos DB answered ${status}`);
  }
  // The request itself was refused: the same request would be refused again.
  return new AppError(
    502,
    'storage_rejected',
    `Cosmos DB refused the request: ${status} ${REFUSALS[status] ?? 'client error'}`,
    undefined,
    {},
    false,
  );
}
