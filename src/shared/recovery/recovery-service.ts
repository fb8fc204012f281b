import { ensureError } from '../errors';
import type { Logger } from '../logging/logger';

export interface RecoveryService {
  /** One pass: poison queues whose cause has passed, then batch jobs that stopped moving. */
  run(log: Logger): Promise<{ poison?: unknown; jobs?: unknown }>;
}

/**
 * What the recovery timer function does, each part on its own: one that fails (its dependency still down)
 * is logged and leaves the other to run; the next occurrence tries again.
 *
 * @example
 * const recovery = createRecoveryService({ redrivePoison: (log) => redrivePoisonQueues({ ...deps, log }), sweepJobs });
 * await recovery.run(log);
 */
export function createRecoveryService(parts: {
  redrivePoison: (log: Logger) => Promise<unknown>;
  sweepJobs: (log: Logger) => Promise<unknown>;
}): RecoveryService {
  const attempt = async (name: string, part: (log: Logger) => Promise<unknown>, log: Logger) => {
    try {
      return await part(log);
    } catch (error) {
      log.warn(`recovery: ${name} did not finish; the next run tries again`, { error: ensureError(error) });
      return undefined;
    }
  };
  return {
    async run(log) {
      const poison = await attempt('re-driving poison queues', parts.redrivePoison, log);
      const jobs = await attempt('moving stuck batch jobs on', parts.sweepJobs, log);
      log.info('recovery run', { poison: poison ?? null, jobs: jobs ?? null });
      return { poison, jobs };
    },
  };
}
