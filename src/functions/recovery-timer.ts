import { defineTimerFunction } from '../shared/hosting/timer-function';

/**
 * recovery: on RECOVERY_SCHEDULE (NCRONTAB, every five minutes by default), one instance at a time, it
 * re-drives poison queues whose cause has passed and moves on batch jobs that stopped moving (a fan-out
 * whose submission died, items whose messages were lost). Everything it touches is idempotent.
 */
export const recoveryTimer = defineTimerFunction({
  name: 'recovery',
  schedule: (config) => config.RECOVERY_SCHEDULE,
  handle: async (timer, { services, log }) => {
    if (timer.isPastDue) log.info('the recovery run is late (a missed occurrence); it runs now');
    await services.recovery.run(log);
  },
});
