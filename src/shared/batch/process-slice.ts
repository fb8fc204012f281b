import type { ValidateFunction } from 'ajv';

import { toTurnRecord } from '../chat/chat-turn-record';
import { AppError, ensureError, isDependencyDown, UpstreamError } from '../errors';
import type { HistoryStore } from '../history/history-store';
import type { Logger } from '../logging/logger';
import type { ChatModel } from '../model/chat-model';
import type { AdaptiveLimiter } from './adaptive-limiter';
import type { BatchItem, BatchSlice } from './batch-messages';
import type { BatchJob, BatchStore } from './batch-store';
import { itemConversationId, nameBasedUuid } from './deterministic-ids';
import { type Extraction, extractItem } from './extract-item';

export interface BatchWorkerDeps {
  readonly store: BatchStore;
  readonly history: HistoryStore;
  /** A model client without retries of its own: rate limits are handled here, in one layer. */
  readonly model: ChatModel;
  readonly limiter: AdaptiveLimiter;
  readonly validatorFor: (job: BatchJob) => ValidateFunction;
  /** Puts items back on the batch-items queue, invisible for `delayMs`. */
  readonly requeue: (slice: BatchSlice, delayMs: number) => Promise<void>;
  readonly maxDeferrals: number;
  /** max_completion_tokens of each extraction call (CHAT_MAX_COMPLETION_TOKENS). */
  readonly maxCompletionTokens: number;
  readonly log: Logger;
  readonly now?: () => number;
}

// A 429 asking for less than this is waited out in the worker; a longer one sends the item back to the queue.
const WAIT_IN_PROCESS_MS = 10_000;
const ATTEMPTS_PER_DELIVERY = 6;
const MIN_REQUEUE_DELAY_MS = 1_000;

type ItemOutcome = { readonly done: true } | { readonly done: false; readonly deferMs: number };

/**
 * Processes one batch-items message. Every item's result is written once (its id is its index); a failure
 * that may pass (Cosmos or the model down) fails the delivery so the queue redelivers it, and items already
 * done are skipped then. Items held back by rate limits go back to the queue with a delay instead.
 */
export async function processSlice(
  slice: { jobId: string; items: { index: number; input: BatchItem }[]; deferrals: number },
  deps: BatchWorkerDeps,
): Promise<void> {
  const now = deps.now ?? Date.now;
  const job = await deps.store.getJob(slice.jobId);
  if (job === undefined) throw new Error(`batch job ${slice.jobId} was not found`);
  // Items still being tried keep the recovery function from queueing them again (best effort: when
  // Cosmos DB is down, the recovery function cannot look either).
  const recordAttempt = () => deps.store.recordAttempt(job.jobId, new Date(now()).toISOString());
  const validate = deps.validatorFor(job);
  const settled = await Promise.allSettled(slice.items.map((item) => processItem(job, validate, item, deps)));

  const deferred: { index: number; input: BatchItem; deferMs: number }[] = [];
  const failures: { index: number; error: Error }[] = [];
  settled.forEach((outcome, position) => {
    const item = slice.items[position];
    if (item === undefined) return;
    if (outcome.status === 'rejected')
      failures.push({ index: item.index, error: ensureError(outcome.reason) });
    else if (!outcome.value.done) deferred.push({ ...item, deferMs: outcome.value.deferMs });
  });

  // When the delivery fails anyway, its redelivery carries the deferred items: re-queueing them too would
  // run them twice.
  if (deferred.length > 0 && failures.length === 0) {
    if (slice.deferrals + 1 > deps.maxDeferrals) {
      await Promise.all(
        deferred.map((item) =>
          saveFailure(job, item, `rate limited for too long (${deps.maxDeferrals} deferrals)`, deps),
        ),
      );
    } else {
      // At least a second later: a queue delay is whole seconds, and a 0 would hand the items straight back.
      const delayMs = Math.max(MIN_REQUEUE_DELAY_MS, ...deferred.map((item) => item.deferMs));
      await deps.requeue(
        {
          jobId: job.jobId,
          items: deferred.map(({ index, input }) => ({ index, input })),
          deferrals: slice.deferrals + 1,
        },
        delayMs,
      );
      await recordAttempt().catch(() => undefined);
      deps.log.info('batch items deferred by rate limits', {
        jobId: job.jobId,
        items: deferred.length,
        delayMs,
      });
    }
  }
  if (failures.length > 0) {
    await Promise.allSettled([
      ...failures.map((failure) =>
        deps.store.recordAttemptError(job.jobId, failure.index, failure.error.message),
      ),
      recordAttempt(),
    ]);
    // A dependency down is said as such, so the slice waits for it without spending its poison budget.
    const down = failures.find((failure) => isDependencyDown(failure.error));
    if (down !== undefined) throw down.error;
    throw new Error(
      `${failures.length} of ${slice.items.length} item(s) failed and will be retried: ${failures[0]?.error.message ?? ''}`,
    );
  }
}

async function processItem(
  job: BatchJob,
  validate: ValidateFunction,
  item: { index: number; input: BatchItem },
  deps: BatchWorkerDeps,
): Promise<ItemOutcome> {
  if (await deps.store.hasResult(job.jobId, item.index)) return { done: true };
  let extraction: Extraction | undefined;
  for (let attempt = 1; extraction === undefined; attempt++) {
    const release = await deps.limiter.acquire();
    try {
      extraction = await extractItem(
        deps.model,
        {
          schema: job.schema,
          instructions: job.instructions,
          extraction: job.extraction,
          validate,
          maxTokens: deps.maxCompletionTokens,
        },
        item.input,
      );
      deps.limiter.succeeded();
    } catch (error) {
      if (error instanceof UpstreamError && error.code === 'model_busy') {
        const wait = error.retryAfterMs ?? 1_000;
        deps.limiter.rateLimited(wait);
        if (wait > WAIT_IN_PROCESS_MS || attempt >= ATTEMPTS_PER_DELIVERY)
          return { done: false, deferMs: wait };
      } else if (error instanceof AppError && !error.retryable) {
        // The model refused this input (content filter, too long): it never will, a final outcome for the item.
        extraction = { ok: false, error: `${error.code}: ${error.message}`, exchange: [] };
      } else {
        throw error; // the queue's redelivery is the one retry layer for other failures
      }
    } finally {
      release();
    }
  }
  // The conversation first, the result last: the result marks the item done, so a retry redoes both.
  await saveConversation(job, item, extraction, deps);
  await deps.store.saveResult(job.jobId, {
    index: item.index,
    input: item.input,
    ...(extraction.ok ? { output: extraction.output } : { error: extraction.error }),
    completedAt: new Date().toISOString(),
  });
  return { done: true };
}

async function saveConversation(
  job: BatchJob,
  item: { index: number },
  extraction: Extraction,
  deps: BatchWorkerDeps,
): Promise<void> {
  if (extraction.exchange.length === 0) return;
  const summary = extraction.ok
    ? `\`\`\`json\n${JSON.stringify(extraction.output, null, 2)}\n\`\`\``
    : `Failed: ${extraction.error}`;
  await deps.history.appendTurn(
    toTurnRecord({
      caller: { userId: job.userId },
      conversationId: itemConversationId(job.jobId, item.index),
      isNew: true,
      correlationId: `batch:${job.jobId}`,
      turnId: nameBasedUuid(`${job.jobId}:${item.index}`),
      title: `${job.name ?? 'Batch job'} - item ${item.index}`,
      messages: [...extraction.exchange, { role: 'assistant', content: summary }],
    }),
  );
}

export async function saveFailure(
  job: BatchJob,
  item: { index: number; input: BatchItem },
  error: string,
  deps: Pick<BatchWorkerDeps, 'store'>,
): Promise<void> {
  await deps.store.saveResult(job.jobId, {
    index: item.index,
    input: item.input,
    error,
    completedAt: new Date().toISOString(),
  });
}
