import { setTimeout as sleep } from 'node:timers/promises';

import { Presets, SingleBar } from 'cli-progress';

import type { ApiClient, JobStatus } from './api-client';
import { CliError } from './cli-error';

export type WaitOutcome =
  | { readonly finished: true; readonly status: JobStatus }
  /** Stopped by the signal (Ctrl-C); the job goes on on the server. */
  | { readonly finished: false; readonly status: JobStatus | undefined };

export interface WaitOptions {
  readonly total: number;
  readonly intervalMs: number;
  /** How long polls may keep failing (server restarting, network blip) before waiting gives up. */
  readonly giveUpAfterMs: number;
  readonly signal: AbortSignal;
  readonly stream: NodeJS.WritableStream;
}

/**
 * Polls the job's status every `intervalMs` behind a progress bar until nothing is pending. A failing poll
 * that may pass (no connection, a timeout, a 5xx) is retried here, the one retry layer of this path.
 *
 * @example
 * const outcome = await waitForJob(api, jobId, { total, intervalMs: 1000, giveUpAfterMs: 30_000, signal, stream: process.stderr });
 */
export async function waitForJob(api: ApiClient, jobId: string, options: WaitOptions): Promise<WaitOutcome> {
  const bar = new SingleBar(
    {
      format: '{bar} {percentage}% | {value}/{total} done | {succeeded} succeeded, {failed} failed | {state}',
      stream: options.stream,
      // Not a terminal (CI, a pipe): a line every few seconds instead of a redrawn bar.
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    Presets.shades_classic,
  );
  bar.start(options.total, 0, { succeeded: 0, failed: 0, state: 'queued' });
  let last: JobStatus | undefined;
  let failingSince: number | undefined;
  // Read through a call: Ctrl-C flips the signal while a poll is awaited, which narrowing cannot see.
  const interrupted = () => options.signal.aborted;
  try {
    while (!interrupted()) {
      try {
        last = await api.status(jobId, options.signal);
        failingSince = undefined;
        bar.setTotal(last.total);
        bar.update(last.succeeded + last.failed, {
          succeeded: last.succeeded,
          failed: last.failed,
          state: last.status,
        });
        if (last.pending === 0) return { finished: true, status: last };
      } catch (error) {
        if (interrupted()) break;
        if (!(error instanceof CliError) || !error.transient) throw error;
        failingSince ??= Date.now();
        if (Date.now() - failingSince > options.giveUpAfterMs) throw error;
        bar.update({ state: `retrying: ${error.message.split('\n')[0] ?? ''}` });
      }
      await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
    return { finished: false, status: last };
  } finally {
    bar.stop();
  }
}
