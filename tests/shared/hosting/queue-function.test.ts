import { ConflictError, UpstreamError, ValidationError } from '../../../src/shared/errors';
import { defineQueueFunction } from '../../../src/shared/hosting/queue-function';
import { fakeServices, queueContext } from '../../support/fake-services';

const MESSAGE = { jobId: 'job-00000001', items: [] };

function queueFunctionThrowing(error: Error) {
  return defineQueueFunction({
    name: 'widgets',
    queueName: 'widgets',
    messageName: 'widget',
    handle: () => Promise.reject(error),
  });
}

describe('the queue-function wrapper', () => {
  it('when the handler succeeds, then the delivery succeeds and nothing is moved', async () => {
    const { services, sent } = fakeServices();
    const handled: unknown[] = [];
    const definition = defineQueueFunction({
      name: 'widgets',
      queueName: 'widgets',
      messageName: 'widget',
      handle: (message) => {
        handled.push(message);
        return Promise.resolve();
      },
    });
    await definition.createHandler(services)(MESSAGE, queueContext());
    expect(handled).toEqual([MESSAGE]);
    expect(sent).toEqual([]);
  });

  it.each<[string, Error]>([
    ['an invalid message', new ValidationError('items: must hold at least one item')],
    ['a conflict', new ConflictError('This idempotency key or job id was used for a different submission')],
  ])(
    'when the handler fails with %s, then the message moves to <queue>-poison at once with its reason logged',
    async (_kind, error) => {
      const { services, sent, lines } = fakeServices();
      await expect(
        queueFunctionThrowing(error).createHandler(services)(MESSAGE, queueContext(1)),
      ).resolves.toBe(undefined);
      expect(sent).toEqual([{ queue: 'widgets-poison', payload: MESSAGE }]);
      expect(lines.join('\n')).toContain('invalid widget message moved to widgets-poison');
      expect(lines.join('\n')).toContain(error.message);
    },
  );

  it.each<[string, Error]>([
    ['a dependency that is down', new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable')],
    ['an unclassified error', new Error('socket hang up')],
  ])(
    'when the handler fails with %s, then the delivery fails so the queue retries it',
    async (_kind, error) => {
      const { services, sent, lines } = fakeServices();
      await expect(
        queueFunctionThrowing(error).createHandler(services)(MESSAGE, queueContext(2)),
      ).rejects.toBe(error);
      expect(sent).toEqual([]);
      expect(lines.join('\n')).toContain('the host will retry it');
    },
  );

  it('when a retryable failure happens on the last delivery, then the log says the message stays in <queue>-poison', async () => {
    const { services, lines } = fakeServices();
    const failing = queueFunctionThrowing(new Error('still down')).createHandler(services);
    await expect(failing(MESSAGE, queueContext(5))).rejects.toThrow('still down');
    expect(lines.join('\n')).toContain(
      'the widget message failed its last delivery; it stays in widgets-poison',
    );
  });
});
