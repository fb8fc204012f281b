import type { HttpMethod } from '@azure/functions';

import type {
  FunctionDefinition,
  FunctionEntry,
  HttpFunctionDefinition,
  QueueFunctionDefinition,
  ScheduleSetting,
  TimerFunctionDefinition,
} from './function-definition';

// The function table is read at cold start: this module and what it imports stay small (no zod, no
// service), so that registering every function costs next to nothing. Each function's own module is
// loaded on its first invocation.

/** The storage connection of a queue trigger that names none: the host's own storage account. */
export const DEFAULT_CONNECTION = 'AzureWebJobsStorage';

/** Every method the host routes, for a function that serves them all (the catch-all). */
export const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/**
 * A row of the function table for an HTTP function: what the host registers, and how to load the
 * function's module on first invocation. The compiler checks that the loaded definition has the same
 * name, route and methods (NoInfer: the row states them, the module must agree).
 *
 * @example
 * httpFunction({ name: 'health', route: 'health', methods: ['GET'] }, () =>
 *   import('./health-get.js').then((module) => module.healthGet),
 * );
 */
export function httpFunction<
  const Name extends string,
  const Route extends string,
  const Methods extends readonly HttpMethod[],
>(
  trigger: { readonly name: Name; readonly route: Route; readonly methods: Methods },
  load: () => Promise<HttpFunctionDefinition<NoInfer<Name>, NoInfer<Route>, NoInfer<Methods>>>,
): FunctionEntry {
  const entry = { kind: 'http', ...trigger } as const;
  return { ...entry, load: async () => registeredAs(entry, await load()) };
}

/**
 * A row of the function table for a queue function (see {@link httpFunction}).
 *
 * @example
 * queueFunction({ name: 'history-writes', queueName: queueNames.historyWrites }, () =>
 *   import('./history-writes-queue.js').then((module) => module.historyWritesQueue),
 * );
 */
export function queueFunction<const Name extends string, const Queue extends string>(
  trigger: { readonly name: Name; readonly queueName: Queue; readonly connection?: string },
  load: () => Promise<QueueFunctionDefinition<NoInfer<Name>, NoInfer<Queue>>>,
): FunctionEntry {
  const entry = { kind: 'queue', connection: DEFAULT_CONNECTION, ...trigger } as const;
  return { ...entry, load: async () => registeredAs(entry, await load()) };
}

/**
 * A row of the function table for a timer function, whose NCRONTAB schedule is a setting's value (see
 * {@link httpFunction}).
 *
 * @example
 * timerFunction({ name: 'recovery', scheduleSetting: 'RECOVERY_SCHEDULE' }, () =>
 *   import('./recovery-timer.js').then((module) => module.recoveryTimer),
 * );
 */
export function timerFunction<const Name extends string, const Schedule extends ScheduleSetting>(
  trigger: { readonly name: Name; readonly scheduleSetting: Schedule },
  load: () => Promise<TimerFunctionDefinition<NoInfer<Name>, NoInfer<Schedule>>>,
): FunctionEntry {
  const entry = { kind: 'timer', ...trigger } as const;
  return { ...entry, load: async () => registeredAs(entry, await load()) };
}

/** Every function's definition, each module loaded (the OpenAPI document and the tests need them all). */
export function loadDefinitions(table: readonly FunctionEntry[]): Promise<FunctionDefinition[]> {
  return Promise.all(table.map((entry) => entry.load()));
}

/**
 * The loaded definition, once it is known to be registered as the table says: the compiler checks the
 * literal names of the table's own modules, this check any definition computed at run time.
 */
function registeredAs<D extends FunctionDefinition>(
  entry: Readonly<Record<string, unknown>>,
  definition: D,
): D {
  for (const [key, expected] of Object.entries(entry)) {
    const actual: unknown = Reflect.get(definition, key);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new Error(
        `the function table registers ${String(entry.name)} with ${key} ${JSON.stringify(expected)}, but its module says ${JSON.stringify(actual)}`,
      );
    }
  }
  return definition;
}
