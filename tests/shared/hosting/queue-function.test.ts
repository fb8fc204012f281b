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

describe('the queue-function wrapper on a poison queue', () => {
  const onPoisonQueue = (error: Error) =>
    defineQueueFunction({
      name: 'widgets-poison',
      queueName: 'widgets-poison',
      messageName: 'widget',
      handle: () => Promise.reject(error),
    });
  const unreadable = new ValidationError('not a widget message: jobId is invalid');

  it('when a message can never succeed, then it is logged with a short redacted excerpt and the delivery completes, moved nowhere', async () => {
    const { services, sent, lines } = fakeServices();
    const secret = 'sentinel-account-key-0c4e7d';
    const message = { note: `AccountKey=${secret};`, filler: 'x'.repeat(5_000) };
    await expect(onPoisonQueue(unreadable).createHandler(services)(message, queueContext(1))).resolves.toBe(
      undefined,
    );
    expect(sent).toEqual([]);
    const line = lines.find((candidate) => candidate.startsWith('ERROR')) ?? '';
    expect(line).toContain('unreadable widget message in widgets-poison dropped');
    expect(line).toContain('messageId=message-1');
    expect(line).toContain('not a widget message: jobId is invalid');
    expect(line).toContain('AccountKey=[redacted]');
    expect(line).not.toContain(secret);
    expect(line.length).toBeLessThan(1_000);
  });

  it('when a message that is not JSON can never succeed, then its text is the excerpt', async () => {
    const { services, sent, lines } = fakeServices();
    await onPoisonQueue(unreadable).createHandler(services)('plain text, not JSON', queueContext(1));
    expect(sent).toEqual([]);
    expect(lines.join('\n')).toContain('excerpt="plain text, not JSON"');
  });

  it('when a failure may pass, then the delivery fails so the host retries it', async () => {
    const { services, sent } = fakeServices();
    const error = new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable');
    await expect(onPoisonQueue(error).createHandler(services)(MESSAGE, queueContext(2))).rejects.toBe(error);
    expect(sent).toEqual([]);
  });

  it('when a failure may pass on the last delivery, then the message goes back onto its own poison queue with a delay, never to -poison-poison', async () => {
    const { services, sent, lines } = fakeServices();
    const error = new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable');
    await expect(onPoisonQueue(error).createHandler(services)(MESSAGE, queueContext(5))).resolves.toBe(
      undefined,
    );
    expect(sent).toEqual([{ queue: 'widgets-poison', payload: MESSAGE, delayMs: 300_000 }]);
    expect(lines.join('\n')).toContain('it is back in widgets-poison, to be tried again in 5 minutes');
  });
});
