import { extname } from 'node:path';

import { type BatchItem, batchItemSchema } from '../../src/shared/batch/batch-messages';
import { CliError } from './cli-error';
import { parseJson, readText } from './read-json';

const JSON_LINES_HINT = 'JSON Lines hold one JSON value a line: a "quoted string" or an {"object": ...}';

/**
 * The items of a batch: a JSON array (`.json`) or JSON Lines (`.jsonl`, `.ndjson`: one item a line, blank
 * lines skipped). Any other extension is read as an array when it starts with `[`. Each item is a string or
 * an object, as the API takes them.
 *
 * @example
 * const items = await readItems('dev/batch-cli/examples/companies.jsonl');
 */
export async function readItems(path: string): Promise<BatchItem[]> {
  const text = await readText(path);
  const items = isJsonLines(path, text) ? fromJsonLines(path, text) : fromJsonArray(path, text);
  if (items.length === 0) throw new CliError(`${path} holds no items`);
  return items;
}

/** The JSON Schema of one output object; the server checks the rest and says what is wrong. */
export async function readSchema(path: string): Promise<Record<string, unknown>> {
  const value = parseJson(await readText(path), { file: path });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(
      `${path} must hold a JSON Schema object, e.g. {"type": "object", "properties": {...}}; it holds ${kindOf(value)}`,
    );
  }
  return Object.fromEntries(Object.entries(value));
}

function isJsonLines(path: string, text: string): boolean {
  const extension = extname(path).toLowerCase();
  if (extension === '.jsonl' || extension === '.ndjson') return true;
  if (extension === '.json') return false;
  return !text.trimStart().startsWith('[');
}

function fromJsonLines(path: string, text: string): BatchItem[] {
  const items: BatchItem[] = [];
  text.split('\n').forEach((line, position) => {
    if (line.trim() === '') return;
    const where = `${path} at line ${position + 1}`;
    const value = parseJson(line, { file: path, line: position + 1, hint: JSON_LINES_HINT });
    items.push(toItem(value, where));
  });
  return items;
}

function fromJsonArray(path: string, text: string): BatchItem[] {
  const value = parseJson(text, { file: path });
  if (!Array.isArray(value)) {
    throw new CliError(
      `${path} must hold a JSON array of items (or be JSON Lines, one item a line); it holds ${kindOf(value)}`,
    );
  }
  return value.map((item: unknown, index) => toItem(item, `${path}, item ${index}`));
}

function toItem(value: unknown, where: string): BatchItem {
  const parsed = batchItemSchema.safeParse(value);
  if (!parsed.success) {
    throw new CliError(`${where}: an item must be a string or an object, not ${kindOf(value)}`);
  }
  return parsed.data;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
