import { ValidationError } from '../shared/errors';
import { turnRecordSchema } from '../shared/history/turn-record';
import { defineQueueFunction } from '../shared/hosting/queue-function';
import { queueNames } from '../shared/storage-names';

/**
 * history-writes: chat turns whose write to Cosmos DB failed at answer time. Writing is idempotent by turn
 * id, so a redelivered message stores nothing twice. A message that is not a turn record goes to
 * history-writes-poison at once; a turn that keeps failing to be written lands there after maxDequeueCount
 * deliveries, for inspection.
 */
export const historyWritesQueue = defineQueueFunction({
  name: 'history-writes',
  queueName: queueNames.historyWrites,
  messageName: 'turn record',
  handle: async (message, { services, log }) => {
    const parsed = turnRecordSchema.safeParse(message);
    if (!parsed.success)
      throw new ValidationError(`not a turn record: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const turn = parsed.data;
    const { written } = await services.history.appendTurn(turn);
    log.info('queued turn written', {
      correlationId: turn.correlationId,
      conversationId: turn.conversationId,
      turnId: turn.turnId,
      written,
    });
  },
});
