import type { Timer, TimerHandler } from '@azure/functions';

import { ensureError } from '../errors';
import { runWithCorrelation } from '../telemetry/correlation';
import type { ScheduleSetting, TimerFunctionDefinition, TimerScope } from './function-definition';

/**
 * Defines a timer trigger whose NCRONTAB schedule comes from a setting. The host runs it on one instance
 * at a time and does not retry a failed run (the next occurrence is the retry); a failure is logged with
 * the invocation id and fails the invocation.
 *
 * @example
 * export const recoveryTimer = defineTimerFunction({
 *   name: 'recovery', scheduleSetting: 'RECOVERY_SCHEDULE',
 *   handle: async ({ isPastDue }, { services, log }) => { await services.recovery.run(log); },
 * });
 */
export function defineTimerFunction<const Name extends string, const Schedule extends ScheduleSetting>(spec: {
  name: Name;
  /** The setting that holds the NCRONTAB schedule. */
  scheduleSetting: Schedule;
  handle: (timer: Timer, scope: TimerScope) => Promise<void>;
}): TimerFunctionDefinition<Name, Schedule> {
  return {
    kind: 'timer',
    name: spec.name,
    scheduleSetting: spec.scheduleSetting,
    createHandler:
      (services): TimerHandler =>
      async (timer, context) => {
        const log = services.logger(context).child({
          functionName: spec.name,
          invocationId: context.invocationId,
          isPastDue: timer.isPastDue,
        });
        try {
          await runWithCorrelation(
            context.invocationId,
            () => spec.handle(timer, { log, services, context }),
            {
              traceParent: context.traceContext?.traceParent,
            },
          );
        } catch (thrown) {
          log.error('the timer function failed; it runs again at its next occurrence', {
            error: ensureError(thrown),
          });
          throw thrown;
        }
      },
  };
}
