import type { app } from '@azure/functions';

import type { Services } from '../composition/services';
import type { AppConfig } from '../config/settings';
import { ensureError } from '../errors';
import { CORRELATION_HEADER, correlationIdFrom } from '../http/correlation';
import { toErrorResponse } from '../http/error-response';
import { once } from '../lazy';
import type { FunctionEntry, ScheduleSetting } from './function-definition';
import { putBack, readRedelivery } from './redelivery';

/** The part of `app` (@azure/functions) that registers functions. */
export type FunctionsApp = Pick<typeof app, 'http' | 'storageQueue' | 'timer'>;

/**
 * Registers every function of the table with the host, as the table states it (name, route, methods;
 * queue and connection). Nothing else is loaded now: on a function's first invocation its module is
 * loaded and the process's services are built (`services`, called once per function and expected to
 * build them once per process), and from then on the function's handler runs at once.
 *
 * A new kind of function is one more row type in function-definition.ts, one row helper in
 * function-table.ts and one case here (as the timer's); the compiler asks for the case once the kind exists.
 *
 * @example
 * registerFunctions(app, functionTable, () => getServices(config), config.values);
 */
export function registerFunctions(
  app: FunctionsApp,
  table: readonly FunctionEntry[],
  services: () => Promise<Services>,
  /** The settings timers take their schedule from, parsed at cold start. */
  schedules?: Pick<AppConfig, ScheduleSetting>,
): void {
  for (const entry of table) {
    switch (entry.kind) {
      case 'http': {
        const ready = once(async () => (await entry.load()).createHandler(await services()));
        app.http(entry.name, {
          route: entry.route,
          methods: [...entry.methods],
          authLevel: 'anonymous',
          handler: async (request, context) => {
            let handler: Awaited<ReturnType<typeof ready>>;
            try {
              handler = await ready();
            } catch (thrown) {
              // The wrapper that maps errors is part of what failed to load: answer as it would.
              const correlationId = correlationIdFrom(request.headers.get(CORRELATION_HEADER));
              context.error(`${entry.name} could not start: ${ensureError(thrown).message}`, {
                correlationId,
              });
              const response = toErrorResponse(thrown, correlationId);
              const headers = new Headers(response.headers);
              headers.set('X-Request-ID', correlationId);
              return { ...response, headers: Object.fromEntries(headers) };
            }
            return handler(request, context);
          },
        });
        break;
      }
      case 'queue': {
        const ready = once(async () => (await entry.load()).createHandler(await services()));
        app.storageQueue(entry.name, {
          queueName: entry.queueName,
          connection: entry.connection,
          handler: async (message, context) => {
            let handler: Awaited<ReturnType<typeof ready>>;
            try {
              handler = await ready();
            } catch (thrown) {
              // The wrapper that puts work back is part of what failed to load: do as it does.
              await waitForLoad(entry.name, entry.queueName, message, thrown, services);
              return;
            }
            await handler(message, context);
          },
        });
        break;
      }
      case 'timer': {
        const schedule = schedules?.[entry.scheduleSetting];
        if (schedule === undefined)
          throw new Error(`${entry.name}: no ${entry.scheduleSetting} to schedule it by`);
        // A failure to load fails the run; the host runs the timer again at its next occurrence.
        const ready = once(async () => (await entry.load()).createHandler(await services()));
        app.timer(entry.name, {
          schedule,
          handler: async (timer, context) => (await ready())(timer, context),
        });
        break;
      }
      default:
        unregistered(entry);
    }
  }
}

/**
 * A queue function that could not load: like a dependency down, this costs the message none of its
 * poison budget. It goes back onto its own queue with the growing delay of the queue wrapper, counted in
 * the message, until the function loads. Only when the services themselves cannot be built is there
 * nothing to send it with: then the delivery fails, and the host's redelivery is what is left.
 */
async function waitForLoad(
  name: string,
  queueName: string,
  message: unknown,
  thrown: unknown,
  services: () => Promise<Services>,
): Promise<void> {
  const built = await services().catch(() => undefined);
  if (built === undefined) throw thrown;
  const { payload, redelivery } = readRedelivery(message);
  const back = await putBack({ queueName, payload, redelivery }, built).catch(() => undefined);
  if (back === undefined) throw thrown;
  built.logger().error(`${name} could not load: ${ensureError(thrown).message}; the message waits for it`, {
    functionName: name,
    attempt: back.attempt,
    delaySeconds: back.delaySeconds,
    waitingSince: back.since,
  });
}

/** A kind of row with no case above fails the build here. */
function unregistered(entry: never): never {
  throw new Error(`no way to register ${JSON.stringify(entry)}`);
}
