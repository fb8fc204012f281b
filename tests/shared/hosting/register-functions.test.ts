import { HttpRequest, type InvocationContext } from '@azure/functions';

import { functionTable } from '../../../src/functions';
import type { FunctionEntry } from '../../../src/shared/hosting/function-definition';
import { httpFunction, loadDefinitions, queueFunction } from '../../../src/shared/hosting/function-table';
import { defineHttpFunction } from '../../../src/shared/hosting/http-function';
import { defineQueueFunction } from '../../../src/shared/hosting/queue-function';
import { type FunctionsApp, registerFunctions } from '../../../src/shared/hosting/register-functions';
import { fakeServices, queueContext } from '../../support/fake-services';

type Registered = { kind: 'http' | 'queue' | 'timer'; name: string; options: Record<string, unknown> };

/** An `app` that records what is registered, as the host would see it. */
function recordingApp() {
  const registered: Registered[] = [];
  const app = {
    http: (name: string, options: Record<string, unknown>) =>
      registered.push({ kind: 'http', name, options }),
    storageQueue: (name: string, options: Record<string, unknown>) =>
      registered.push({ kind: 'queue', name, options }),
    timer: (name: string, options: Record<string, unknown>) =>
      registered.push({ kind: 'timer', name, options }),
  } as unknown as FunctionsApp;
  const handler = (name: string) => {
    const found = registered.find((item) => item.name === name)?.options.handler;
    if (typeof found !== 'function') throw new Error(`${name} is not registered`);
    return found as (
      trigger: unknown,
      context: InvocationContext,
    ) => Promise<Record<string, unknown> | undefined>;
  };
  return { app, registered, handler };
}

const context = () => Object.assign(queueContext(), { error: jest.fn() });
const get = (url = 'http://localhost/api/widgets') =>
  new HttpRequest({ method: 'GET', url, headers: { 'x-request-id': 'request-1' } });

const widgetsGet = defineHttpFunction({
  name: 'widgets-get',
  route: 'widgets/{id}',
  methods: ['GET'],
  anonymous: true,
  tag: 'operations',
  summary: 'A widget',
  responses: {},
  handle: () => Promise.resolve({ jsonBody: { widget: 1 } }),
});
const widgetsQueue = defineQueueFunction({
  name: 'widgets',
  queueName: 'widgets',
  messageName: 'widget',
  handle: () => Promise.resolve(),
});

describe('registerFunctions', () => {
  it('when the app registers the function table, then the host gets every function as the table states it, and no module loads', () => {
    const { app, registered } = recordingApp();
    const loads: string[] = [];
    const watched = functionTable.map((entry) => ({
      ...entry,
      load: () => {
        loads.push(entry.name);
        return entry.load();
      },
    })) as FunctionEntry[];
    const services = jest.fn(() => Promise.resolve(fakeServices().services));

    registerFunctions(app, watched, services, { RECOVERY_SCHEDULE: '0 */5 * * * *' });

    expect(registered.map(({ kind, name, options }) => ({ kind, name, ...options }))).toEqual(
      functionTable.map((entry) =>
        entry.kind === 'http'
          ? {
              kind: 'http',
              name: entry.name,
              route: entry.route,
              methods: [...entry.methods],
              authLevel: 'anonymous',
              handler: expect.any(Function),
            }
          : entry.kind === 'queue'
            ? {
                kind: 'queue',
                name: entry.name,
                queueName: entry.queueName,
                connection: entry.connection,
                handler: expect.any(Function),
              }
            : { kind: 'timer', name: entry.name, schedule: '0 */5 * * * *', handler: expect.any(Function) },
      ),
    );
    expect(registered.length).toBeGreaterThanOrEqual(18);
    expect(loads).toEqual([]);
    expect(services).not.toHaveBeenCalled();
  });

  it('when a function is first invoked, then its module and the services load once, even for calls at the same time, and later calls reuse them', async () => {
    const { app, handler } = recordingApp();
    const load = jest.fn(() => Promise.resolve(widgetsGet));
    const services = jest.fn(() => Promise.resolve(fakeServices().services));
    registerFunctions(
      app,
      [httpFunction({ name: 'widgets-get', route: 'widgets/{id}', methods: ['GET'] }, load)],
      services,
    );

    const answers = await Promise.all([
      handler('widgets-get')(get(), context()),
      handler('widgets-get')(get(), context()),
    ]);
    await handler('widgets-get')(get(), context());

    expect(answers.map((answer) => answer?.jsonBody)).toEqual([{ widget: 1 }, { widget: 1 }]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(services).toHaveBeenCalledTimes(1);
  });

  it('when an HTTP function cannot load, then the caller gets a masked 500 envelope with its request id, the cause is logged, and the next call tries again', async () => {
    const { app, handler } = recordingApp();
    const load = jest
      .fn<Promise<typeof widgetsGet>, []>()
      .mockRejectedValueOnce(new Error('Cannot find module ./chunk-1.mjs'))
      .mockResolvedValue(widgetsGet);
    registerFunctions(
      app,
      [httpFunction({ name: 'widgets-get', route: 'widgets/{id}', methods: ['GET'] }, load)],
      () => Promise.resolve(fakeServices().services),
    );
    const logged = jest.fn();
    const invocation = Object.assign(queueContext(), { error: logged });

    const failed = await handler('widgets-get')(get(), invocation);

    expect(failed).toMatchObject({
      status: 500,
      headers: { 'x-request-id': 'request-1' },
      jsonBody: {
        error: { code: 'internal_error', message: 'Internal server error' },
        correlationId: 'request-1',
      },
    });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('Cannot find module ./chunk-1.mjs'), {
      correlationId: 'request-1',
    });
    expect((await handler('widgets-get')(get(), context()))?.jsonBody).toEqual({ widget: 1 });
  });

  it('when a queue function cannot load because the services cannot be built, then nothing can take the message back: the delivery fails (the host retries it) and the next delivery tries again', async () => {
    const { app, handler } = recordingApp();
    const cause = new Error('services unavailable');
    const services = jest
      .fn<ReturnType<Parameters<typeof registerFunctions>[2]>, []>()
      // Still down when the wrapper looks for a way to put the message back.
      .mockRejectedValueOnce(cause)
      .mockRejectedValueOnce(cause)
      .mockResolvedValue(fakeServices().services);
    registerFunctions(
      app,
      [queueFunction({ name: 'widgets', queueName: 'widgets' }, () => Promise.resolve(widgetsQueue))],
      services,
    );

    await expect(handler('widgets')({ id: 1 }, queueContext())).rejects.toBe(cause);
    await expect(handler('widgets')({ id: 1 }, queueContext())).resolves.toBeUndefined();
  });
});

describe('registerFunctions, when a queue function cannot load', () => {
  it('when its module fails to load, then the message waits on its own queue with a growing delay, without spending its poison budget, and a later delivery runs it', async () => {
    const { app, handler } = recordingApp();
    const handled: unknown[] = [];
    const load = jest
      .fn<Promise<typeof widgetsQueue>, []>()
      .mockRejectedValueOnce(new Error('Cannot find module ./chunk-2.mjs'))
      .mockRejectedValueOnce(new Error('Cannot find module ./chunk-2.mjs'))
      .mockResolvedValue(
        defineQueueFunction({
          name: 'widgets',
          queueName: 'widgets',
          messageName: 'widget',
          handle: (message) => Promise.resolve(void handled.push(message)),
        }),
      );
    const { services, sent, lines } = fakeServices();
    registerFunctions(app, [queueFunction({ name: 'widgets', queueName: 'widgets' }, load)], () =>
      Promise.resolve(services),
    );

    // Its last delivery by the host's count: a failed delivery now would poison it.
    await expect(handler('widgets')({ id: 1 }, queueContext(5))).resolves.toBeUndefined();
    const first = sent.at(-1) as {
      queue: string;
      payload: Record<string, unknown>;
      delayMs?: number;
    };
    await expect(handler('widgets')(first.payload, queueContext(5))).resolves.toBeUndefined();
    const second = sent.at(-1) as typeof first;
    await handler('widgets')(second.payload, queueContext(1));

    expect(sent.map((message) => message.queue)).toEqual(['widgets', 'widgets']);
    expect(first.payload).toMatchObject({ id: 1, _redelivery: { attempt: 1 } });
    expect(second.payload).toMatchObject({ id: 1, _redelivery: { attempt: 2 } });
    expect(second.delayMs ?? 0).toBeGreaterThan(first.delayMs ?? 0);
    expect(handled).toEqual([{ id: 1 }]);
    expect(lines.join('\n')).toMatch(/widgets could not load.*Cannot find module \.\/chunk-2\.mjs/);
  });
});

describe('the function table', () => {
  it('when every module is loaded, then each definition is registered as its row states it', async () => {
    const definitions = await loadDefinitions(functionTable);
    expect(definitions.map(({ kind, name }) => ({ kind, name }))).toEqual(
      functionTable.map(({ kind, name }) => ({ kind, name })),
    );
  });

  it('when a row and its module disagree at run time, then loading the function says which setting differs', async () => {
    const entry = httpFunction({ name: 'widgets-get', route: 'widgets/{id}', methods: ['GET'] }, () =>
      Promise.resolve({ ...widgetsGet, route: 'widgets' as 'widgets/{id}' }),
    );
    await expect(entry.load()).rejects.toThrow(
      'the function table registers widgets-get with route "widgets/{id}", but its module says "widgets"',
    );
  });
});
