/** A message in a queue, taken out of sight for a while so that it can be moved. */
export interface QueuedMessage {
  readonly id: string;
  readonly popReceipt: string;
  readonly insertedOn: Date;
  /** The message as JSON when it is JSON, else its text. */
  readonly payload: unknown;
}

/** The queue operations the recovery function needs beyond sending: looking at a queue and taking from it. */
export interface QueueInspector {
  /** Up to `count` messages, hidden from other readers for `hideSeconds`; none when the queue does not exist. */
  receive(queue: string, count: number, hideSeconds: number): Promise<QueuedMessage[]>;
  remove(queue: string, message: QueuedMessage): Promise<void>;
  /** Keeps a received message out of sight for `hideSeconds` more. */
  hide(queue: string, message: QueuedMessage, hideSeconds: number): Promise<void>;
}

/** Marks what the queue functions moved to a poison queue, so the recovery function knows the cause. */
export const POISONED_FIELD = '_poisoned';
/** How often the recovery function has taken the message out of a poison queue. */
export const REDRIVEN_FIELD = '_redriven';
