import { ValidationError } from '../shared/errors';
import { turnRecordSchema } from '../shared/history/turn-record';
import { hostQueueSettings } from '../shared/hosting/host-settings';
import { defineQueueFunction } from '../shared/hosting/queue-function';
import { queueNames } from '../shared/storage-names';

/**
 * history-writes: chat turns whose write to Cosmos DB failed at answer time. Writing is idempotent by turn
 * id, so a redelivered message stores nothing twice; after maxDequeueCount failures the host leaves the
 * message in history-writes-poison for inspection.
 */
export const historyWritesQueue = defineQueueFunction({
  name: 'history-writes',
  queueName: queueNames.historyWrites,
  handle: async (message, { services, log, dequeueCount }) => {
    const parsed = turnRecordSchema.safeParse(message);
    if (!parsed.success)
      throw new ValidationError(`not a turn record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const turn = parsed.data;
    const fields = {
      correlationId: turn.correlationId,
      conversationId: turn.conversationId,
      turnId: turn.turnId,
    };
    try {
      const { written } = await services.history.appendTurn(turn);
      log.info('queued turn written', { ...fields, written });
    } catch (error) {
      if (dequeueCount >= hostQueueSettings().maxDequeueCount) {
        log.error('the turn could not be written; it stays in history-writes-poison', fields);
      }
      throw error;
    }
  },
});
