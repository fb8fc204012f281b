import { type SyntheticEvent, useEffect, useState } from 'react';
import { z } from 'zod';

import { apiJson } from '../api';
import { type BatchJob, batchJobSchema, type BatchResult, batchResultsSchema } from '../api-schemas';
import { ErrorBanner, type ShownError, toShownError } from '../ErrorBanner';
import { type BatchItem, parseItems, toCsv } from './parse-items';

const submittedSchema = z.object({ jobId: z.string(), status: z.string(), total: z.number() });
const FINISHED = new Set(['completed', 'completed_with_errors']);

async function readFile(input: HTMLInputElement | null): Promise<{ name: string; text: string } | undefined> {
  const file = input?.files?.[0];
  return file === undefined ? undefined : { name: file.name, text: await file.text() };
}

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

async function allResults(jobId: string): Promise<BatchResult[]> {
  const items: BatchResult[] = [];
  let token: string | undefined;
  do {
    const query = `pageSize=100${token === undefined ? '' : `&continuationToken=${encodeURIComponent(token)}`}`;
    const page = await apiJson(
      `/api/batch-jobs/${encodeURIComponent(jobId)}/results?${query}`,
      batchResultsSchema,
    );
    items.push(...page.items);
    token = page.continuationToken;
  } while (token !== undefined);
  return items;
}

const inputText = (input: unknown) => (typeof input === 'string' ? input : JSON.stringify(input));

/**
 * Batch jobs over POST /api/batch-jobs: items from a JSONL or CSV file and a JSON Schema for each output;
 * then the job's progress, its results as a table, and downloads as JSON or CSV.
 */
export function BatchPage() {
  const [items, setItems] = useState<BatchItem[]>([]);
  const [job, setJob] = useState<BatchJob | undefined>();
  const [results, setResults] = useState<BatchResult[] | undefined>();
  const [shown, setShown] = useState<ShownError | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (job === undefined || FINISHED.has(job.status)) return undefined;
    const timer = setTimeout(() => {
      apiJson(`/api/batch-jobs/${encodeURIComponent(job.jobId)}`, batchJobSchema)
        .then(async (next) => {
          setJob(next);
          if (FINISHED.has(next.status)) setResults(await allResults(next.jobId));
        })
        .catch((error: unknown) => {
          setShown(toShownError(error));
        });
    }, 1000);
    return () => {
      clearTimeout(timer);
    };
  }, [job]);

  const onItemsFile = async (input: HTMLInputElement) => {
    setShown(undefined);
    try {
      const file = await readFile(input);
      setItems(file === undefined ? [] : parseItems(file.name, file.text));
    } catch (error) {
      setItems([]);
      setShown(toShownError(error));
    }
  };

  const onSubmit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    setShown(undefined);
    setResults(undefined);
    const form = event.currentTarget;
    try {
      const schemaFile = await readFile(form.querySelector<HTMLInputElement>('#batch-schema'));
      if (schemaFile === undefined) throw new Error('Choose a JSON Schema file');
      let schema: unknown;
      try {
        schema = JSON.parse(schemaFile.text);
      } catch {
        throw new Error(`${schemaFile.name} is not JSON`);
      }
      if (items.length === 0) throw new Error('Choose a JSONL or CSV file with at least one item');
      const name = new FormData(form).get('name');
      setBusy(true);
      const submitted = await apiJson('/api/batch-jobs', submittedSchema, {
        method: 'POST',
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: {
          items,
          schema,
          ...(typeof name === 'string' && name.trim() !== '' ? { name: name.trim() } : {}),
        },
      });
      setJob({ ...submitted, succeeded: 0, failed: 0, pending: submitted.total });
    } catch (error) {
      setShown(toShownError(error));
    } finally {
      setBusy(false);
    }
  };

  const done = (job?.succeeded ?? 0) + (job?.failed ?? 0);
  const columns = [
    ...new Set(
      (results ?? []).flatMap((result) =>
        typeof result.output === 'object' && result.output !== null ? Object.keys(result.output) : [],
      ),
    ),
  ];
  const rows = (results ?? []).map((result) => ({
    index: result.index,
    input: inputText(result.input),
    ...(typeof result.output === 'object' && result.output !== null ? result.output : {}),
    error: result.error ?? '',
  }));

  return (
    <section className="batch" aria-label="Batch jobs">
      <h2>Batch extraction</h2>
      <form
        onSubmit={(event) => {
          void onSubmit(event);
        }}
      >
        <label htmlFor="batch-items">Items (JSON Lines or CSV with a header row)</label>
        <input
          id="batch-items"
          type="file"
          accept=".jsonl,.ndjson,.json,.csv,text/csv"
          onChange={(event) => void onItemsFile(event.currentTarget)}
        />
        <p className="muted" role="status">
          {items.length > 0 ? `${items.length} items read` : ''}
        </p>
        <label htmlFor="batch-schema">JSON Schema of each output (an object)</label>
        <input id="batch-schema" type="file" accept=".json,application/json" />
        <label htmlFor="batch-name">Name (optional)</label>
        <input id="batch-name" name="name" type="text" maxLength={200} />
        <button type="submit" disabled={busy}>
          Submit job
        </button>
      </form>
      {shown === undefined ? null : (
        <ErrorBanner
          error={shown}
          onDismiss={() => {
            setShown(undefined);
          }}
        />
      )}
      {job === undefined ? null : (
        <div className="job">
          <label htmlFor="batch-progress">
            Job {job.jobId}: {job.status} ({done} of {job.total})
          </label>
          <progress id="batch-progress" max={job.total} value={done} />
        </div>
      )}
      {results === undefined || job === undefined ? null : (
        <>
          <div className="actions">
            <button
              type="button"
              onClick={() => {
                download(`${job.jobId}.json`, 'application/json', JSON.stringify(results, null, 2));
              }}
            >
              Download JSON
            </button>
            <button
              type="button"
              onClick={() => {
                download(
                  `${job.jobId}.csv`,
                  'text/csv',
                  toCsv(['index', 'input', ...columns, 'error'], rows),
                );
              }}
            >
              Download CSV
            </button>
          </div>
          <div className="table-wrap">
            <table aria-label="Results">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Input</th>
                  {columns.map((column) => (
                    <th scope="col" key={column}>
                      {column}
                    </th>
                  ))}
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.index}>
                    <td>{row.index}</td>
                    <td>{row.input}</td>
                    {columns.map((column) => (
                      <td key={column}>
                        {inputText(Object.entries(row).find(([key]) => key === column)?.[1] ?? '')}
                      </td>
                    ))}
                    <td>{row.error}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
