/**
 * Names of the Cosmos DB containers and storage queues the app uses. The Bicep in infra/ creates exactly
 * these (a test checks it); locally they are created on first use.
 */
export const cosmosContainers = {
  /** Conversations and their messages, one logical partition per user. */
  conversations: { name: 'conversations', partitionKeyPath: '/userId' },
  /** Batch jobs and their item results, one logical partition per job. */
  batch: { name: 'batch', partitionKeyPath: '/jobId' },
  /** Per-user quota counters (a document per quota window) and gauges, one logical partition per user. */
  quotas: { name: 'quotas', partitionKeyPath: '/userId' },
} as const;

export const queueNames = {
  /** Job messages from producers that are not HTTP clients. */
  batchJobs: 'batch-jobs',
  /** One message per slice of a job's items. */
  batchItems: 'batch-items',
  /** Chat turns whose write to Cosmos DB failed, written later. */
  historyWrites: 'history-writes',
} as const;

/** The queue the Functions host moves a message to after maxDequeueCount failed deliveries. */
export const poisonQueueOf = <const Queue extends string>(queue: Queue): `${Queue}-poison` =>
  `${queue}-poison`;

/**
 * Where the recovery function moves a poison message that will never be re-driven (it can never succeed,
 * it is not JSON, or it was re-driven POISON_MAX_REDRIVES times), after logging why: kept for inspection,
 * read by no function. Not a poison queue (`isPoisonQueue` is false for it).
 */
export const deadQueueOf = <const Queue extends string>(queue: Queue): `${Queue}-dead` => `${queue}-dead`;

/** A queue the host moves failed messages to: a trigger on it must never move them on to `<queue>-poison-poison`. */
export const isPoisonQueue = (queue: string): boolean => queue.endsWith('-poison');
