import type { InvocationContext } from '@azure/functions';

import type { Services } from '../../src/shared/composition/services';
import { defaultConfig } from '../../src/shared/config/load-config';
import { createLogger } from '../../src/shared/logging/logger';
import { recordingQueue, type SentMessage } from './recording-queue';

export type { SentMessage } from './recording-queue';

/**
 * Services for a function wrapper under test: the default settings, a logger that keeps its lines, an
 * anonymous-friendly caller and a queue that records what is sent; `overrides` supply the services the
 * handler under test calls. A member nobody supplied throws when used, so a test cannot lean on it silently.
 */
export function fakeServices(overrides: Partial<Services> = {}): {
  services: Services;
  lines: string[];
  sent: SentMessage[];
} {
  const lines: string[] = [];
  const { send, sent } = recordingQueue();
  const base: Partial<Services> = {
    config: defaultConfig(),
    logger: () =>
      createLogger({
        level: 'debug',
        format: 'text',
        redact: (text) => text,
        sink: (_level, line) => lines.push(line),
      }),
    resolveCaller: () => Promise.resolve({ userId: 'test-user', roles: [] }),
    sendToQueue: send,
    ...overrides,
  };
  const services = new Proxy(base, {
    get(target, name: string) {
      if (name in target) return target[name as keyof Services];
      // Promise resolution asks any value for `then`: the services are not a promise.
      if (name === 'then') return undefined;
      throw new Error(`the fake services have no ${name}`);
    },
  }) as Services;
  return { services, lines, sent };
}

/** An invocation context as the host gives one to a queue trigger. */
export function queueContext(dequeueCount = 1): InvocationContext {
  return {
    invocationId: 'invocation-1',
    functionName: 'test',
    triggerMetadata: { dequeueCount, id: 'message-1' },
    log: () => undefined,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  } as unknown as InvocationContext;
}
