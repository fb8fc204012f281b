import { createHash } from 'node:crypto';

import { jobIdSchema } from '../../src/shared/batch/batch-messages';
import { createApiClient, type JobStatus, type ResultItem, type SubmitRequest } from './api-client';
import { CliError } from './cli-error';
import { readItems, readSchema } from './read-items';
import { renderResults, renderStatus } from './render';
import { checkWritable, writeResults } from './results-file';
import { waitForJob } from './wait';

export const DEFAULT_URL = 'http://localhost:7071';
const POLL_INTERVAL_MS = 1_000;
const GIVE_UP_AFTER_MS = 30_000;
export const EXIT_ITEMS_FAILED = 2;
export const EXIT_INTERRUPTED = 130;

export interface Terminal {
  print(text: string): void;
  warn(text: string): void;
  readonly width: number;
  readonly color: boolean;
  readonly progress: NodeJS.WritableStream;
}

export interface ConnectionOptions {
  readonly url: string;
  readonly token?: string | undefined;
  readonly timeoutSeconds: number;
}

export interface SubmitOptions extends ConnectionOptions {
  readonly schema: string;
  readonly instructions?: string | undefined;
  readonly name?: string | undefined;
  readonly wait: boolean;
  readonly out: string;
  readonly idempotencyKey?: string | undefined;
  readonly maxRows: number;
}

export interface ResultsOptions extends ConnectionOptions {
  readonly out?: string | undefined;
  readonly json: boolean;
  readonly maxRows: number;
}

const apiFor = (options: ConnectionOptions) =>
  createApiClient({ url: options.url, token: options.token, timeoutMs: options.timeoutSeconds * 1000 });

/** `submit <file> --schema <file>`: the exit code (0, 2 when items failed, 130 when Ctrl-C stopped the wait). */
export async function submit(file: string, options: SubmitOptions, terminal: Terminal): Promise<number> {
  const [items, schema] = await Promise.all([readItems(file), readSchema(options.schema)]);
  if (options.wait) await checkWritable(options.out);
  const request: SubmitRequest = {
    items,
    schema,
    ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const key = options.idempotencyKey ?? contentKey(request);
  const api = apiFor(options);
  const job = await api.submit(request, key);
  terminal.print(`Submitted job ${job.jobId} (${job.total} items).`);
  terminal.print(
    `Idempotency-Key: ${key}` +
      (options.idempotencyKey === undefined
        ? '\n  (a hash of the items, schema, instructions and name: the same submit again finds this job;' +
          ' pass --idempotency-key <new key> to run it again)'
        : ''),
  );
  if (!options.wait) {
    terminal.print(resumeHint(job.jobId, options, options.out));
    return 0;
  }

  const controller = new AbortController();
  const interrupt = () => {
    controller.abort();
  };
  process.once('SIGINT', interrupt);
  let outcome;
  try {
    outcome = await waitForJob(api, job.jobId, {
      total: job.total,
      intervalMs: POLL_INTERVAL_MS,
      giveUpAfterMs: GIVE_UP_AFTER_MS,
      signal: controller.signal,
      stream: terminal.progress,
    });
  } catch (error) {
    terminal.warn(
      `Stopped waiting for job ${job.jobId}; it keeps running on the server.\n${resumeHint(job.jobId, options, options.out)}`,
    );
    throw error;
  } finally {
    process.off('SIGINT', interrupt);
  }
  if (!outcome.finished) {
    const done = outcome.status === undefined ? '' : ` (${describeProgress(outcome.status)})`;
    terminal.warn(
      `\nStopped waiting for job ${job.jobId}${done}; it keeps running on the server.\n${resumeHint(job.jobId, options, options.out)}`,
    );
    return EXIT_INTERRUPTED;
  }
  const results = await api.results(job.jobId);
  await writeResults(options.out, results);
  printResults(results, propertyNames(schema), options.maxRows, terminal);
  terminal.print(
    `Job ${job.jobId} ${describeProgress(outcome.status)}. Saved ${results.length} items to ${options.out}.`,
  );
  if (outcome.status.failed === 0) return 0;
  terminal.warn(
    `${outcome.status.failed} of ${outcome.status.total} items failed (exit code ${EXIT_ITEMS_FAILED}): ` +
      `each one's error is in ${options.out}.`,
  );
  return EXIT_ITEMS_FAILED;
}

/** `status <jobId>`. */
export async function status(
  jobId: string,
  options: ConnectionOptions & { json: boolean },
  terminal: Terminal,
): Promise<number> {
  const current = await apiFor(options).status(checkJobId(jobId));
  terminal.print(options.json ? JSON.stringify(current, null, 2) : renderStatus(current, terminal.color));
  return 0;
}

/** `results <jobId>`: every finished item; `--out` writes them as `submit --wait` does. */
export async function results(jobId: string, options: ResultsOptions, terminal: Terminal): Promise<number> {
  const api = apiFor(options);
  const id = checkJobId(jobId);
  if (options.out !== undefined) await checkWritable(options.out);
  const current = await api.status(id);
  const items = await api.results(id);
  if (options.out !== undefined) await writeResults(options.out, items);
  if (options.json) {
    terminal.print(JSON.stringify(items, null, 2));
    return 0;
  }
  printResults(items, [], options.maxRows, terminal);
  terminal.print(
    `Job ${id} ${describeProgress(current)}.` +
      (current.pending > 0 ? ` ${current.pending} items are still pending: run this again later.` : '') +
      (options.out === undefined ? '' : ` Saved ${items.length} items to ${options.out}.`),
  );
  return 0;
}

/** The default Idempotency-Key: a retried or repeated submit of the same contents finds the same job. */
export function contentKey(request: SubmitRequest): string {
  const contents = JSON.stringify([
    request.items,
    request.schema,
    request.instructions ?? null,
    request.name ?? null,
  ]);
  return `batch-cli-${createHash('sha256').update(contents).digest('hex')}`;
}

function printResults(items: readonly ResultItem[], fields: string[], maxRows: number, terminal: Terminal) {
  if (items.length === 0) {
    terminal.print('No item has finished yet.');
    return;
  }
  const shown = maxRows === 0 ? items : items.slice(0, maxRows);
  terminal.print(renderResults(shown, { fields, width: terminal.width, color: terminal.color }));
  if (shown.length < items.length) {
    terminal.print(`… ${items.length - shown.length} more items not shown (--max-rows 0 shows every one).`);
  }
}

function describeProgress(job: JobStatus): string {
  return `${job.status}: ${job.succeeded + job.failed} of ${job.total} done, ${job.succeeded} succeeded, ${job.failed} failed`;
}

function resumeHint(jobId: string, options: ConnectionOptions, out = 'structured_responses.json'): string {
  const url = options.url === DEFAULT_URL ? '' : ` --url ${options.url}`;
  return [
    `  follow it:   npm run batch -- status ${jobId}${url}`,
    `  its results: npm run batch -- results ${jobId}${url} --out ${out}`,
    ...(options.token === undefined ? [] : ['  (with the same token: --token or BATCH_API_TOKEN)']),
  ].join('\n');
}

function checkJobId(jobId: string): string {
  const parsed = jobIdSchema.safeParse(jobId);
  if (!parsed.success) throw new CliError(`not a job id: "${jobId}" (8-64 letters, digits, "-" or "_")`);
  return parsed.data;
}

/** The schema's top-level property names, in order: the table's output columns. */
function propertyNames(schema: Record<string, unknown>): string[] {
  const properties = schema.properties;
  return typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
}
