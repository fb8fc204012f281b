import { defineTimerFunction } from '../shared/hosting/timer-function';

/**
 * recovery: on RECOVERY_SCHEDULE (NCRONTAB, every five minutes by default), one instance at a time, it
 * re-drives poison queues whose cause has passed and moves on batch jobs that stopped moving (a fan-out
 * whose submission died, items whose messages were lost). Everything it touches is idempotent.
 *
 * The host runs a timer on one instance (a blob lease in AzureWebJobsStorage), never twice at once, and
 * does not retry a failed run: the next occurrence is the retry. An occurrence missed while no instance
 * ran fires at start with `isPastDue`. A part whose dependency is still down is logged and left to the
 * next occurrence; the other part still runs.
 */
export const recoveryTimer = defineTimerFunction({
  name: 'recovery',
  scheduleSetting: 'RECOVERY_SCHEDULE',
  handle: async (timer, { services, log }) => {
    if (timer.isPastDue) log.info('the recovery run is late (a missed occurrence); it runs now');
    await services.recovery.run(log);
  },
});
