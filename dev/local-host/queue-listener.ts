import type { DequeuedMessageItem, QueueServiceClient } from '@azure/storage-queue';

import type { QueueSettings } from './host-config';

export interface QueueTriggerMetadata {
  readonly dequeueCount: number;
  readonly id: string;
  readonly popReceipt: string;
  readonly insertionTime: Date;
  readonly expirationTime: Date;
  readonly nextVisibleTime: Date;
  readonly queueTrigger: string;
}

export interface QueueListenerOptions {
  readonly queueService: QueueServiceClient;
  readonly queueName: string;
  readonly settings: QueueSettings;
  /** How long a message stays invisible while a handler runs; renewed at half-time, like the host's lease. */
  readonly leaseMs: number;
  readonly invoke: (payload: unknown, metadata: QueueTriggerMetadata) => Promise<void>;
  readonly log: (level: 'info' | 'warn' | 'error', line: string) => void;
}

export interface QueueListener {
  /** Stops polling and waits for the messages in hand to finish. */
  stop(): Promise<void>;
}

/**
 * Runs a queue trigger with the Functions host's semantics: batches of `batchSize`, a new batch when
 * in-flight work drops to `newBatchThreshold`, exponential polling backoff up to `maxPollingInterval`,
 * base64 decoding, JSON payloads parsed, `visibilityTimeout` after a failure, and the message moved to
 * `<queue>-poison` once it has failed `maxDequeueCount` times.
 */
export async function startQueueListener(options: QueueListenerOptions): Promise<QueueListener> {
  const { settings, log } = options;
  const queue = options.queueService.getQueueClient(options.queueName);
  const poison = options.queueService.getQueueClient(`${options.queueName}-poison`);
  await queue.createIfNotExists();
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();
  const isStopping = () => stopping.signal.aborted;
  const leaseSeconds = Math.max(1, Math.round(options.leaseMs / 1000));

  const moveToPoison = async (message: DequeuedMessageItem, popReceipt: string) => {
    await poison.createIfNotExists();
    await poison.sendMessage(message.messageText);
    await queue.deleteMessage(message.messageId, popReceipt);
    log(
      'warn',
      `queue ${options.queueName}: message ${message.messageId} moved to ${poison.name} after ${message.dequeueCount} attempts`,
    );
  };

  const handleMessage = async (message: DequeuedMessageItem): Promise<void> => {
    let popReceipt = message.popReceipt;
    if (message.dequeueCount > settings.maxDequeueCount) return moveToPoison(message, popReceipt);
    let renewal = Promise.resolve();
    const timer = setInterval(() => {
      renewal = renewal
        .then(async () => {
          popReceipt =
            (await queue.updateMessage(message.messageId, popReceipt, undefined, leaseSeconds)).popReceipt ??
            popReceipt;
        })
        .catch(() => undefined);
    }, options.leaseMs / 2);
    let failed = false;
    try {
      await options.invoke(decode(message.messageText, settings.messageEncoding), {
        dequeueCount: message.dequeueCount,
        id: message.messageId,
        popReceipt: message.popReceipt,
        insertionTime: message.insertedOn,
        expirationTime: message.expiresOn,
        nextVisibleTime: message.nextVisibleOn,
        queueTrigger: message.messageText,
      });
    } catch (error) {
      failed = true;
      log(
        'warn',
        `queue ${options.queueName}: message ${message.messageId} failed (attempt ${message.dequeueCount}): ${String(error)}`,
      );
    } finally {
      clearInterval(timer);
      await renewal;
    }
    if (!failed) {
      await queue.deleteMessage(message.messageId, popReceipt);
      return;
    }
    if (message.dequeueCount >= settings.maxDequeueCount) return moveToPoison(message, popReceipt);
    await queue.updateMessage(
      message.messageId,
      popReceipt,
      undefined,
      Math.round(settings.visibilityTimeoutMs / 1000),
    );
  };

  const loop = async () => {
    let delay = 0;
    while (!stopping.signal.aborted) {
      if (inFlight.size > settings.newBatchThreshold) {
        await Promise.race(inFlight);
        continue;
      }
      let messages: DequeuedMessageItem[] = [];
      try {
        const received = await queue.receiveMessages({
          numberOfMessages: settings.batchSize,
          visibilityTimeout: leaseSeconds,
          abortSignal: stopping.signal,
        });
        messages = received.receivedMessageItems;
      } catch (error) {
        if (!isStopping()) log('warn', `queue ${options.queueName}: polling failed: ${String(error)}`);
      }
      if (messages.length === 0) {
        delay = Math.min(delay === 0 ? 100 : delay * 2, settings.maxPollingIntervalMs);
        await sleep(delay, stopping.signal);
        continue;
      }
      delay = 0;
      for (const message of messages) {
        const work: Promise<void> = handleMessage(message)
          .catch((error: unknown) => {
            log('error', `queue ${options.queueName}: ${String(error)}`);
          })
          .finally(() => inFlight.delete(work));
        inFlight.add(work);
      }
    }
  };
  const running = loop();

  return {
    async stop() {
      stopping.abort();
      await running;
      await Promise.allSettled(inFlight);
    },
  };
}

function decode(text: string, encoding: QueueSettings['messageEncoding']): unknown {
  let payload = text;
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text.trim()))
      throw new Error('The message is not valid base64 (host.json messageEncoding is base64)');
    payload = Buffer.from(text, 'base64').toString('utf8');
  }
  const trimmed = payload.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(payload) as unknown;
    } catch {
      return payload;
    }
  }
  return payload;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
