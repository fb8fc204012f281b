import Table from 'cli-table3';

import type { JobStatus, ResultItem } from './api-client';

const MAX_FIELD_COLUMNS = 5;
const MIN_COLUMN = 10;

export interface RenderOptions {
  /** Output fields in this order first (the schema's properties); others follow as they appear. */
  readonly fields?: readonly string[];
  /** The terminal's width; cells are cut with "…" to fit. */
  readonly width: number;
  readonly color: boolean;
}

/**
 * The results as a table: the index, the input (cut), one column per output field (or the output
 * as JSON when there are too many fields to fit), and the error when any item failed.
 *
 * @example
 * process.stdout.write(`${renderResults(items, { fields: ['company_name'], width: 120, color: false })}\n`);
 */
export function renderResults(items: readonly ResultItem[], options: RenderOptions): string {
  const fields = fieldsOf(items, options.fields ?? []);
  const asColumns = fields.length > 0 && fields.length <= MAX_FIELD_COLUMNS;
  const outputHeads = asColumns ? fields : ['output'];
  const withErrors = items.some((item) => item.error !== undefined);
  const head = ['#', 'input', ...outputHeads, ...(withErrors ? ['error'] : [])];

  // colWidths include the cell padding; a table is as wide as its columns plus one border between each.
  const indexWidth = Math.max(1, ...items.map((item) => String(item.index).length)) + 2;
  const flexible = head.length - 1;
  const room = Math.max(options.width - (head.length + 1) - indexWidth, flexible * MIN_COLUMN);
  // The input gets a third of the room (or an even share when that is more), an error a quarter; the
  // output columns split the rest.
  const inputWidth = Math.floor(Math.max(room / 3, room / flexible));
  const errorWidth = withErrors ? Math.max(MIN_COLUMN, Math.floor(room / 4)) : 0;
  const outputWidth = Math.max(MIN_COLUMN, Math.floor((room - inputWidth - errorWidth) / outputHeads.length));

  const table = new Table({
    head,
    colWidths: [
      indexWidth,
      inputWidth,
      ...outputHeads.map(() => outputWidth),
      ...(withErrors ? [errorWidth] : []),
    ],
    wordWrap: false,
    style: {
      compact: true,
      ...(options.color ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] }),
    },
  });
  for (const item of items) {
    const outputCells = asColumns
      ? fields.map((field) => toCell(item.output?.[field]))
      : [toCell(item.output)];
    table.push([item.index, toCell(item.input), ...outputCells, ...(withErrors ? [toCell(item.error)] : [])]);
  }
  return table.toString();
}

/** A job's status as a two-column table. */
export function renderStatus(status: JobStatus, color: boolean): string {
  const table = new Table({ style: { compact: true, head: [], border: color ? ['grey'] : [] } });
  const done = status.succeeded + status.failed;
  table.push(
    ['job', status.jobId],
    ['name', status.name ?? ''],
    ['status', status.status],
    ['done', `${done} of ${status.total}`],
    ['succeeded', status.succeeded],
    ['failed', status.failed],
    ['pending', status.pending],
    ['created', status.createdAt],
    ['updated', status.updatedAt],
  );
  return table.toString();
}

function fieldsOf(items: readonly ResultItem[], preferred: readonly string[]): string[] {
  const fields = new Set(preferred);
  for (const item of items) for (const key of Object.keys(item.output ?? {})) fields.add(key);
  // A preferred field no item has is not worth a column.
  return [...fields].filter((field) =>
    items.some((item) => item.output !== undefined && field in item.output),
  );
}

/** One line: strings as they are, anything else as compact JSON; cli-table3 cuts it to the column. */
function toCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/\s+/g, ' ').trim();
}
