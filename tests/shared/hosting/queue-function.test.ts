import { defaultConfig } from '../../../src/shared/config/load-config';
import { cosmosCall } from '../../../src/shared/cosmos/cosmos-containers';
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
    'when the handler fails with %s, then the message moves to <queue>-poison at once, marked as one that never succeeds, with its reason logged',
    async (_kind, error) => {
      const { services, sent, lines } = fakeServices();
      await expect(
        queueFunctionThrowing(error).createHandler(services)(MESSAGE, queueContext(1)),
      ).resolves.toBe(undefined);
      // The mark tells the recovery function to leave it for inspection instead of re-driving it.
      expect(sent).toEqual([
        {
          queue: 'widgets-poison',
          payload: {
            ...MESSAGE,
            _poisoned: { retryable: false, reason: error.message, at: expect.any(String) },
          },
        },
      ]);
      expect(lines.join('\n')).toContain('invalid widget message moved to widgets-poison');
      expect(lines.join('\n')).toContain(error.message);
    },
  );

  it('when a dependency is down, then the message goes back onto its queue with a delay that doubles each time, and the poison budget is not spent', async () => {
    const { services, sent, lines } = fakeServices();
    const handled: unknown[] = [];
    const definition = defineQueueFunction({
      name: 'widgets',
      queueName: 'widgets',
      messageName: 'widget',
      handle: (message) => {
        handled.push(message);
        return Promise.reject(new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable', 5));
      },
    });
    const handler = definition.createHandler(services);
    // Even on what would be its last delivery, the message does not go to widgets-poison.
    await expect(handler(MESSAGE, queueContext(5))).resolves.toBe(undefined);
    for (let attempt = 0; attempt < 8; attempt++) {
      const last = sent[sent.length - 1];
      await expect(handler(last?.payload, queueContext(1))).resolves.toBe(undefined);
    }
    expect(sent.every((message) => message.queue === 'widgets')).toBe(true);
    const delays = sent.map((message) => (message.delayMs ?? 0) / 1000);
    // QUEUE_RETRY_BASE_SECONDS 10 doubling (with up to 10% jitter either way), capped at QUEUE_RETRY_MAX_SECONDS 300.
    expect(delays[0]).toBeGreaterThanOrEqual(9);
    expect(delays[0]).toBeLessThanOrEqual(11);
    expect(delays[3]).toBeGreaterThanOrEqual(72);
    expect(delays[3]).toBeLessThanOrEqual(88);
    expect(Math.max(...delays)).toBeLessThanOrEqual(300);
    expect(delays[8]).toBe(300);
    const attempts = sent.map(
      (message) => (message.payload as { _redelivery: { attempt: number } })._redelivery.attempt,
    );
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const since = new Set(
      sent.map((message) => (message.payload as { _redelivery: { since: string } })._redelivery.since),
    );
    expect(since.size).toBe(1);
    // The handler always sees the message as it was sent, without the wrapper's field.
    expect(handled.every((message) => JSON.stringify(message) === JSON.stringify(MESSAGE))).toBe(true);
    expect(lines.join('\n')).toContain('a dependency is down; the widget message waits for it');
  });

  it.each([413, 404, 400])(
    'when Cosmos DB refuses the work itself (%i), then it is no outage: the message moves to <queue>-poison at once instead of circling',
    async (status) => {
      const { services, sent, lines } = fakeServices();
      const definition = defineQueueFunction({
        name: 'widgets',
        queueName: 'widgets',
        messageName: 'widget',
        handle: () =>
          cosmosCall(() =>
            Promise.reject(Object.assign(new Error('refused by the store'), { code: status })),
          ),
      });
      await expect(definition.createHandler(services)(MESSAGE, queueContext(1))).resolves.toBe(undefined);
      expect(sent).toEqual([
        {
          queue: 'widgets-poison',
          payload: {
            ...MESSAGE,
            _poisoned: {
              retryable: false,
              reason: expect.stringContaining(String(status)),
              at: expect.any(String),
            },
          },
        },
      ]);
      expect(lines.join('\n')).toContain('invalid widget message moved to widgets-poison');
    },
  );

  describe('when a dependency stays down past QUEUE_RETRY_MAX_WAIT_SECONDS', () => {
    const down = new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable', 5);
    const waitingSince = (seconds: number) => ({
      ...MESSAGE,
      _redelivery: { attempt: 40, since: new Date(Date.now() - seconds * 1000).toISOString() },
    });

    it('then the message is put back no more: the host retries it and, after its last delivery, it stays in <queue>-poison', async () => {
      const { services, sent, lines } = fakeServices();
      const handler = queueFunctionThrowing(down).createHandler(services);
      // The default cap is 24 hours.
      await expect(handler(waitingSince(24 * 3_600 + 60), queueContext(1))).rejects.toBe(down);
      await expect(handler(waitingSince(24 * 3_600 + 60), queueContext(5))).rejects.toBe(down);
      expect(sent).toEqual([]);
      const log = lines.join('\n');
      expect(log).toContain('has waited for a dependency longer than QUEUE_RETRY_MAX_WAIT_SECONDS');
      expect(log).toContain('the widget message failed its last delivery; it stays in widgets-poison');
    });

    it('then a message that has waited less than the cap is still put back', async () => {
      const { services, sent } = fakeServices();
      await expect(
        queueFunctionThrowing(down).createHandler(services)(waitingSince(3_600), queueContext(5)),
      ).resolves.toBe(undefined);
      expect(sent).toEqual([
        {
          queue: 'widgets',
          payload: { ...MESSAGE, _redelivery: { attempt: 41, since: expect.any(String) } },
          delayMs: expect.any(Number),
        },
      ]);
    });

    it('then a shorter cap from the settings applies', async () => {
      const { services, sent } = fakeServices({
        config: { ...defaultConfig(), QUEUE_RETRY_MAX_WAIT_SECONDS: 1_800 },
      });
      await expect(
        queueFunctionThrowing(down).createHandler(services)(waitingSince(1_900), queueContext(1)),
      ).rejects.toBe(down);
      expect(sent).toEqual([]);
    });
  });

  it('when a dependency is down and the queue cannot take the message back either, then the delivery fails so the host retries it', async () => {
    const error = new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable');
    const { services } = fakeServices({ sendToQueue: () => Promise.reject(new Error('queue down')) });
    await expect(queueFunctionThrowing(error).createHandler(services)(MESSAGE, queueContext(2))).rejects.toBe(
      error,
    );
  });

  it.each<[string, Error]>([
    ['an unclassified error', new Error('socket hang up')],
    [
      'a deployment the settings got wrong',
      new UpstreamError(502, 'model_deployment_not_found', 'not found'),
    ],
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

  it('when a dependency is down, then the wrapper (not the handler) puts the message back onto its own poison queue to wait', async () => {
    const { services, sent } = fakeServices();
    const error = new UpstreamError(503, 'storage_unavailable', 'Cosmos DB is unavailable');
    await expect(onPoisonQueue(error).createHandler(services)(MESSAGE, queueContext(2))).resolves.toBe(
      undefined,
    );
    expect(sent).toEqual([
      {
        queue: 'widgets-poison',
        payload: { ...MESSAGE, _redelivery: { attempt: 1, since: expect.any(String) } },
        delayMs: expect.any(Number),
      },
    ]);
  });

  it('when another failure may pass, then the delivery fails so the host retries it', async () => {
    const { services, sent } = fakeServices();
    const error = new Error('socket hang up');
    await expect(onPoisonQueue(error).createHandler(services)(MESSAGE, queueContext(2))).rejects.toBe(error);
    expect(sent).toEqual([]);
  });

  it('when a failure may pass on the last delivery, then the message goes back onto its own poison queue with a delay, never to -poison-poison', async () => {
    const { services, sent, lines } = fakeServices();
    const error = new Error('socket hang up');
    await expect(onPoisonQueue(error).createHandler(services)(MESSAGE, queueContext(5))).resolves.toBe(
      undefined,
    );
    expect(sent).toEqual([{ queue: 'widgets-poison', payload: MESSAGE, delayMs: 300_000 }]);
    expect(lines.join('\n')).toContain('it is back in widgets-poison, to be tried again in 5 minutes');
  });
});
