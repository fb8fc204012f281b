import { cosmosCall } from '../../../src/shared/cosmos/cosmos-containers';
import { AppError, isDependencyDown, isRetryable } from '../../../src/shared/errors';

/** What the Cosmos DB SDK throws: an ErrorResponse with the HTTP status as `code` (and the service's own text). */
const SECRET = 'sentinel-master-key-5d1f0a';
const cosmosError = (status: number) =>
  Object.assign(new Error(`Message: {"Errors":["refused"]} Authorization: ${SECRET}`), { code: status });

const failWith = (error: Error) => cosmosCall(() => Promise.reject(error));

describe('cosmosCall', () => {
  // Cosmos DB's documented statuses (REST "HTTP status codes for Azure Cosmos DB"): 408, 429 (after the
  // SDK's own retries), 449 and 5xx are transient; a connection error or the SDK's timeout has no status.
  it.each<[string, Error]>([
    [
      'no status (a connection refused)',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['the SDK timeout', Object.assign(new Error('Timeout Error!'), { code: 'TimeoutError' })],
    ['408', cosmosError(408)],
    ['429', cosmosError(429)],
    ['449', cosmosError(449)],
    ['500', cosmosError(500)],
    ['502', cosmosError(502)],
    ['503', cosmosError(503)],
    ['504', cosmosError(504)],
  ])(
    'when Cosmos DB fails with %s, then it is a dependency down, worth waiting for',
    async (_kind, error) => {
      const thrown: unknown = await failWith(error).catch((caught: unknown) => caught);
      expect(isDependencyDown(thrown)).toBe(true);
      expect(thrown).toMatchObject({ status: expect.any(Number), retryable: true });
      expect((thrown as Error).message).not.toContain(SECRET);
    },
  );

  it.each([
    [400, 'bad request'],
    [404, 'not found'],
    [409, 'conflict'],
    [412, 'precondition failed'],
    [413, 'request entity too large'],
  ])(
    'when Cosmos DB refuses the request with %i, then it is no outage and never retried, and the error names what happened without the SDK text',
    async (status, words) => {
      const thrown: unknown = await failWith(cosmosError(status)).catch((caught: unknown) => caught);
      expect(thrown).toBeInstanceOf(AppError);
      expect(isDependencyDown(thrown)).toBe(false);
      expect(isRetryable(thrown)).toBe(false);
      const { message } = thrown as AppError;
      expect(message).toContain(String(status));
      expect(message).toContain(words);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain('Errors');
    },
  );

  it.each([401, 403])(
    'when Cosmos DB refuses the credentials or access (%i), then it is no outage, but the host may retry it (a role assignment can arrive late)',
    async (status) => {
      const thrown: unknown = await failWith(cosmosError(status)).catch((caught: unknown) => caught);
      expect(isDependencyDown(thrown)).toBe(false);
      expect(isRetryable(thrown)).toBe(true);
      expect((thrown as AppError).message).toMatch(/COSMOS_ENDPOINT|role/);
      expect((thrown as AppError).message).not.toContain(SECRET);
    },
  );

  it('when the status is one the caller expects, then the SDK error reaches the caller as it is', async () => {
    const error = cosmosError(412);
    await expect(cosmosCall(() => Promise.reject(error), [412])).rejects.toBe(error);
  });
});
